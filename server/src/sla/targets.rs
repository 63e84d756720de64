//! How long support may take: first-response and resolution targets per contract class and
//! priority, in business minutes, and the due times they give a ticket.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use ppdesk_shared::ticket::Priority;
use serde::Serialize;

use super::calendar::BusinessCalendar;

/// The two targets of one class and priority, in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Until the first technician reply.
    pub response_minutes: u32,
    /// Until the ticket is resolved.
    pub resolution_minutes: u32,
}

/// A target for each priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityTargets {
    pub low: Target,
    pub normal: Target,
    pub high: Target,
    pub urgent: Target,
}

impl PriorityTargets {
    /// The target of `priority`.
    pub fn get(&self, priority: Priority) -> Target {
        match priority {
            Priority::Low => self.low,
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }

    /// Replaces the target of `priority`.
    pub fn set(&mut self, priority: Priority, target: Target) {
        match priority {
            Priority::Low => self.low = target,
            Priority::Normal => self.normal = target,
            Priority::High => self.high = target,
            Priority::Urgent => self.urgent = target,
        }
    }
}

/// Targets per contract class × priority, with a row for classes not listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaTargets {
    default: PriorityTargets,
    classes: BTreeMap<String, PriorityTargets>,
}

impl SlaTargets {
    /// Targets where every class gets `default`.
    pub fn new(default: PriorityTargets) -> Self {
        SlaTargets {
            default,
            classes: BTreeMap::new(),
        }
    }

    /// The same targets with `class` having its own.
    pub fn with_class(mut self, class: &str, targets: PriorityTargets) -> Self {
        self.classes.insert(class.to_string(), targets);
        self
    }

    /// The target of a ticket of `class` (case-insensitive, like the subject tag) and
    /// `priority`; the default row for a class not listed.
    pub fn target(&self, class: &str, priority: Priority) -> Target {
        self.classes
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(class))
            .map_or(&self.default, |(_, targets)| targets)
            .get(priority)
    }
}

/// A target's length as written in the config: `"4h"`, `"2d"`, `"1h30m"`, `"90m"` or a number of
/// minutes. Days are business days: `1d` is as many minutes as the calendar's working day has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetDuration {
    pub days: u32,
    pub hours: u32,
    pub minutes: u32,
}

/// The longest target accepted: ten years of anything is a typo.
const MAX_PART: u32 = 3650 * 24 * 60;

impl TargetDuration {
    /// `minutes` business minutes.
    pub fn from_minutes(minutes: u32) -> Self {
        TargetDuration {
            minutes,
            ..TargetDuration::default()
        }
    }

    /// Business minutes, with a business day of `day_minutes`.
    pub fn to_minutes(&self, day_minutes: u32) -> u32 {
        self.days
            .saturating_mul(day_minutes)
            .saturating_add(self.hours.saturating_mul(60))
            .saturating_add(self.minutes)
    }

    /// True for a duration of nothing at all.
    pub fn is_zero(&self) -> bool {
        self.days == 0 && self.hours == 0 && self.minutes == 0
    }
}

impl FromStr for TargetDuration {
    type Err = String;

    /// Numbers each followed by `d`, `h` or `m` (also `min`), largest unit first, each unit at
    /// most once, spaces allowed between them: `"2d"`, `"1d 4h"`, `"1h30m"`. A bare number is
    /// minutes.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            format!(
                "invalid duration {text:?} (expected business time such as \"30m\", \"4h\", \
                 \"1h30m\", \"2d\" (business days) or a number of minutes)"
            )
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid());
        }
        if trimmed.chars().all(|c| c.is_ascii_digit()) {
            let minutes: u32 = trimmed.parse().map_err(|_| invalid())?;
            return checked(TargetDuration::from_minutes(minutes), text);
        }
        let mut out = TargetDuration::default();
        let mut rest = trimmed;
        // Units seen so far, largest first: each must come after the previous one.
        let mut last_rank = 0;
        while !rest.is_empty() {
            let digits_end = rest
                .find(|c: char| !c.is_ascii_digit())
                .ok_or_else(invalid)?;
            if digits_end == 0 {
                return Err(invalid());
            }
            let number: u32 = rest[..digits_end].parse().map_err(|_| invalid())?;
            let after = rest[digits_end..].trim_start();
            let unit_end = after
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(after.len());
            let (rank, slot) = match after[..unit_end].to_ascii_lowercase().as_str() {
                "d" => (1, &mut out.days),
                "h" => (2, &mut out.hours),
                "m" | "min" => (3, &mut out.minutes),
                _ => return Err(invalid()),
            };
            if rank <= last_rank {
                return Err(invalid());
            }
            last_rank = rank;
            *slot = number;
            rest = after[unit_end..].trim_start();
        }
        checked(out, text)
    }
}

fn checked(duration: TargetDuration, text: &str) -> Result<TargetDuration, String> {
    // Measured with 24-hour days, the most a day can hold.
    if duration.to_minutes(24 * 60) > MAX_PART {
        return Err(format!("duration {text:?} is too long (at most 3650 days)"));
    }
    Ok(duration)
}

impl fmt::Display for TargetDuration {
    /// The form [`TargetDuration::from_str`] reads back: `"2d"`, `"1h30m"`, `"0m"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0m");
        }
        for (value, unit) in [(self.days, "d"), (self.hours, "h"), (self.minutes, "m")] {
            if value > 0 {
                write!(f, "{value}{unit}")?;
            }
        }
        Ok(())
    }
}

/// When a ticket's targets fall due, and from when it is at risk of missing them (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DueTimes {
    /// The first technician reply is due by then.
    pub response_due_at: i64,
    /// The ticket should be resolved by then.
    pub resolution_due_at: i64,
    /// From then on the first response is at risk (see [`at_risk_minutes`]).
    pub response_risk_at: i64,
    /// From then on the resolution is at risk.
    pub resolution_risk_at: i64,
}

/// How much of a target's business time is its "at risk" stretch: the last 20% of it, but never
/// less than the last 30 business minutes (or half the target, when that is shorter). So a 4h
/// response target is at risk in its last 48 minutes, a 1h one in its last 30, a 2-day
/// resolution target (960 minutes) in its last 192.
pub fn at_risk_minutes(target_minutes: u32) -> u32 {
    target_minutes
        .div_ceil(5)
        .max(30.min(target_minutes / 2))
        .min(target_minutes)
}

/// The due times of a ticket of `class` and `priority` opened at `opened_at`.
pub fn due_times(
    calendar: &BusinessCalendar,
    targets: &SlaTargets,
    class: &str,
    priority: Priority,
    opened_at: DateTime<Utc>,
) -> DueTimes {
    let target = targets.target(class, priority);
    let after = |minutes: u32| {
        calendar
            .add_business_minutes(opened_at, minutes)
            .timestamp_millis()
    };
    let risk_from = |minutes: u32| after(minutes - at_risk_minutes(minutes));
    DueTimes {
        response_due_at: after(target.response_minutes),
        resolution_due_at: after(target.resolution_minutes),
        response_risk_at: risk_from(target.response_minutes),
        resolution_risk_at: risk_from(target.resolution_minutes),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Weekday};
    use chrono_tz::Europe::Rome;

    use super::super::holidays::Holidays;
    use super::*;

    fn target(response: u32, resolution: u32) -> Target {
        Target {
            response_minutes: response,
            resolution_minutes: resolution,
        }
    }

    fn standard() -> PriorityTargets {
        PriorityTargets {
            low: target(480, 2400),
            normal: target(240, 960),
            high: target(120, 480),
            urgent: target(60, 240),
        }
    }

    fn rome(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Rome.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("local time")
            .with_timezone(&Utc)
    }

    #[test]
    fn durations_parse_and_print() {
        let cases = [
            ("4h", (0, 4, 0), "4h"),
            ("2d", (2, 0, 0), "2d"),
            ("90m", (0, 0, 90), "90m"),
            ("90 min", (0, 0, 90), "90m"),
            ("1h30m", (0, 1, 30), "1h30m"),
            ("1d 4h", (1, 4, 0), "1d4h"),
            (" 1D4H ", (1, 4, 0), "1d4h"),
            ("45", (0, 0, 45), "45m"),
            ("0", (0, 0, 0), "0m"),
        ];
        for (text, (days, hours, minutes), shown) in cases {
            let parsed: TargetDuration = text.parse().expect(text);
            assert_eq!(
                parsed,
                TargetDuration {
                    days,
                    hours,
                    minutes
                },
                "{text:?}"
            );
            assert_eq!(parsed.to_string(), shown);
            assert_eq!(shown.parse::<TargetDuration>(), Ok(parsed));
        }
        for bad in [
            "", "h", "4x", "4 hours", "30m2h", "2h2h", "-1h", "1.5h", "d4", "1h30",
        ] {
            let err = bad.parse::<TargetDuration>().expect_err(bad);
            assert!(err.contains("\"4h\""), "{bad:?}: {err}");
        }
        let long = "4000d".parse::<TargetDuration>().expect_err("too long");
        assert!(long.contains("too long"), "{long}");
    }

    #[test]
    fn days_are_business_days_of_the_calendar() {
        let two_days: TargetDuration = "2d".parse().expect("2d");
        assert_eq!(two_days.to_minutes(480), 960);
        assert_eq!(two_days.to_minutes(450), 900);
        let mixed: TargetDuration = "1d2h15m".parse().expect("mixed");
        assert_eq!(mixed.to_minutes(480), 480 + 120 + 15);
    }

    #[test]
    fn a_class_gets_its_row_and_others_the_default() {
        let mut gold = standard();
        gold.set(Priority::Urgent, target(30, 120));
        let targets = SlaTargets::new(standard()).with_class("Gold", gold);
        assert_eq!(targets.target("Gold", Priority::Urgent), target(30, 120));
        assert_eq!(targets.target("gold", Priority::Urgent), target(30, 120));
        assert_eq!(targets.target("Gold", Priority::Low), target(480, 2400));
        assert_eq!(targets.target("Silver", Priority::Urgent), target(60, 240));
        assert_eq!(
            targets.target("Standard", Priority::Normal),
            target(240, 960)
        );
    }

    #[test]
    fn the_at_risk_stretch() {
        assert_eq!(at_risk_minutes(240), 48);
        assert_eq!(at_risk_minutes(960), 192);
        assert_eq!(at_risk_minutes(60), 30);
        assert_eq!(at_risk_minutes(30), 15);
        assert_eq!(at_risk_minutes(10), 5);
        assert_eq!(at_risk_minutes(1), 1);
        assert_eq!(at_risk_minutes(0), 0);
        for minutes in 0..5000 {
            assert!(at_risk_minutes(minutes) <= minutes);
        }
    }

    #[test]
    fn due_times_follow_the_business_calendar() {
        let calendar = BusinessCalendar::new(
            Rome,
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            &[
                "09:00-13:00".parse().expect("range"),
                "14:00-18:00".parse().expect("range"),
            ],
            Holidays::italian_plus(Vec::new()),
        );
        let targets = SlaTargets::new(standard());
        // Friday 4 December 2026, 16:00; Tuesday 8 December is a holiday.
        let opened = rome(2026, 12, 4, 16, 0);
        let due = due_times(&calendar, &targets, "Standard", Priority::Normal, opened);
        let ms = |t: DateTime<Utc>| t.timestamp_millis();
        // 4h response: 2h on Friday, 2h on Monday → Monday 11:00; at risk from 10:12.
        assert_eq!(due.response_due_at, ms(rome(2026, 12, 7, 11, 0)));
        assert_eq!(due.response_risk_at, ms(rome(2026, 12, 7, 10, 12)));
        // 2 business days: Friday 2h + Monday 8h + Wednesday 6h → Wednesday 16:00 (the 8th is
        // skipped); at risk for its last 192 minutes: from Wednesday 11:48.
        assert_eq!(due.resolution_due_at, ms(rome(2026, 12, 9, 16, 0)));
        assert_eq!(due.resolution_risk_at, ms(rome(2026, 12, 9, 11, 48)));
        let urgent = due_times(&calendar, &targets, "Standard", Priority::Urgent, opened);
        assert_eq!(urgent.response_due_at, ms(rome(2026, 12, 4, 17, 0)));
        assert_eq!(urgent.response_risk_at, ms(rome(2026, 12, 4, 16, 30)));
        assert_eq!(urgent.resolution_due_at, ms(rome(2026, 12, 7, 11, 0)));
    }
}
