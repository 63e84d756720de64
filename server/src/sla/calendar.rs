//! Business time: the hours in which SLA clocks run.
//!
//! A [`BusinessCalendar`] has a time zone, working days, the hours of a working day (one or more
//! ranges of local wall-clock time, such as 09:00-13:00 and 14:00-18:00, optionally different on
//! some weekdays) and holidays. Business time is counted in real elapsed time, so the arithmetic
//! is right on the days daylight saving time changes:
//!
//! - a range is the span of real time from the instant its start is shown on the local clock to
//!   the instant its end is;
//! - a start or end that the clock skips (spring forward: 02:30 does not exist in Europe/Rome on
//!   the last Sunday of March) is taken as the instant the clock jumps;
//! - a start or end the clock shows twice (fall back: 02:30 happens twice on the last Sunday of
//!   October) is taken as its first showing for a start and its last for an end, so a range
//!   01:00-04:00 lasts 2 real hours in March and 4 in October.
//!
//! Times are handled to the millisecond; durations are whole minutes.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::holidays::Holidays;

const MINUTE_MS: i64 = 60_000;
const DAY_MINUTES: u16 = 24 * 60;
/// How far the arithmetic looks for business time before giving up: a calendar with none in ten
/// years (every working day a holiday) cannot be meant, and must not loop forever.
const HORIZON_DAYS: u64 = 3660;

/// A range of local wall-clock time within one day, `start` inclusive, `end` exclusive, in
/// minutes after midnight (`end` may be 1440, i.e. "24:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeRange {
    start: u16,
    end: u16,
}

impl TimeRange {
    /// The range from `start` to `end` minutes after midnight; `None` unless
    /// `start < end <= 1440`.
    pub const fn new(start: u16, end: u16) -> Option<Self> {
        if start < end && end <= DAY_MINUTES {
            Some(TimeRange { start, end })
        } else {
            None
        }
    }

    /// Minutes after midnight at which it starts.
    pub fn start(&self) -> u16 {
        self.start
    }

    /// Minutes after midnight at which it ends (exclusive; 1440 = midnight after).
    pub fn end(&self) -> u16 {
        self.end
    }

    /// Its length in minutes (of wall-clock time).
    pub fn minutes(&self) -> u32 {
        u32::from(self.end - self.start)
    }

    /// Whether the two ranges share any minute.
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl FromStr for TimeRange {
    type Err = String;

    /// `"HH:MM-HH:MM"` (hours may have one digit; spaces around `-` are fine; `"24:00"` is the
    /// midnight that ends a day).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            format!("invalid time range {text:?} (expected \"HH:MM-HH:MM\", e.g. \"09:00-13:00\")")
        };
        let (start, end) = text.split_once('-').ok_or_else(invalid)?;
        let clock = |part: &str| -> Option<u16> {
            let (h, m) = part.trim().split_once(':')?;
            let digits = |s: &str, max_len: usize| {
                !s.is_empty() && s.len() <= max_len && s.chars().all(|c| c.is_ascii_digit())
            };
            if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
                return None;
            }
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let (start, end) = (
            clock(start).ok_or_else(invalid)?,
            clock(end).ok_or_else(invalid)?,
        );
        TimeRange::new(start, end).ok_or_else(|| {
            format!(
                "time range {text:?} ends before it starts (a range cannot cross midnight: \
                 split it into two days' ranges)"
            )
        })
    }
}

impl fmt::Display for TimeRange {
    /// The form [`TimeRange::from_str`] reads back: `"09:00-13:00"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// Sorted, with overlapping or touching ranges merged: what the arithmetic walks through.
fn normalised(ranges: &[TimeRange]) -> Vec<TimeRange> {
    let mut sorted = ranges.to_vec();
    sorted.sort();
    let mut merged: Vec<TimeRange> = Vec::with_capacity(sorted.len());
    for range in sorted {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// When business time runs: time zone, working days, hours, holidays.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessCalendar {
    timezone: Tz,
    /// Business hours of each weekday, Monday first; empty for a day off.
    week: [Vec<TimeRange>; 7],
    holidays: Holidays,
}

impl BusinessCalendar {
    /// A calendar whose `working_days` all have the same `hours`. Ranges may come in any order;
    /// overlapping ones count once.
    pub fn new(
        timezone: Tz,
        working_days: &[Weekday],
        hours: &[TimeRange],
        holidays: Holidays,
    ) -> Self {
        let hours = normalised(hours);
        let week = std::array::from_fn(|i| {
            let works = working_days
                .iter()
                .any(|d| d.num_days_from_monday() as usize == i);
            if works { hours.clone() } else { Vec::new() }
        });
        BusinessCalendar {
            timezone,
            week,
            holidays,
        }
    }

    /// The same calendar with other hours on `day` (e.g. Friday mornings only); empty `hours`
    /// make it a day off.
    pub fn with_day_hours(mut self, day: Weekday, hours: &[TimeRange]) -> Self {
        self.week[day.num_days_from_monday() as usize] = normalised(hours);
        self
    }

    /// The time zone the hours are in.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The holidays it skips.
    pub fn holidays(&self) -> &Holidays {
        &self.holidays
    }

    /// Whether `date` is a working day: a weekday with hours that is not a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.hours_on(date).is_empty()
    }

    /// The business hours of `date` (none on days off and holidays).
    pub fn hours_on(&self, date: NaiveDate) -> &[TimeRange] {
        let hours = &self.week[date.weekday().num_days_from_monday() as usize];
        if hours.is_empty() || self.holidays.is_holiday(date) {
            &[]
        } else {
            hours
        }
    }

    /// The instant that is `minutes` of business time after `start`: the earliest moment by
    /// which that much business time has passed. A start outside business hours counts from the
    /// next business moment; `0` minutes give `start` itself.
    pub fn add_business_minutes(&self, start: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
        let start_ms = start.timestamp_millis();
        let mut remaining = i64::from(minutes) * MINUTE_MS;
        if remaining == 0 {
            return start;
        }
        let mut cursor = start_ms;
        let mut date = self.local_date(start).pred_opt().unwrap_or(NaiveDate::MIN);
        for _ in 0..HORIZON_DAYS {
            for (from, to) in self.intervals(date) {
                let from = from.max(cursor);
                if to <= from {
                    continue;
                }
                if to - from >= remaining {
                    return instant(from + remaining);
                }
                remaining -= to - from;
                cursor = to;
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        start
            .checked_add_days(Days::new(HORIZON_DAYS))
            .unwrap_or(start)
    }

    /// Whole minutes of business time from `from` to `to` (0 when `to` is not after `from`).
    /// The inverse of [`BusinessCalendar::add_business_minutes`]:
    /// `business_minutes_between(t, add_business_minutes(t, m)) == m`.
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        let (from_ms, to_ms) = (from.timestamp_millis(), to.timestamp_millis());
        if to_ms <= from_ms {
            return 0;
        }
        let mut total: i64 = 0;
        let mut cursor = from_ms;
        let mut date = self.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = self.local_date(to).succ_opt().unwrap_or(NaiveDate::MAX);
        while date <= last {
            for (start, end) in self.intervals(date) {
                let start = start.max(cursor);
                let end = end.min(to_ms);
                if end > start {
                    total += end - start;
                    cursor = end;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        u32::try_from(total / MINUTE_MS).unwrap_or(u32::MAX)
    }

    /// Whether `at` is inside business hours.
    pub fn is_business_time(&self, at: DateTime<Utc>) -> bool {
        let at_ms = at.timestamp_millis();
        let date = self.local_date(at);
        [date.pred_opt(), Some(date), date.succ_opt()]
            .into_iter()
            .flatten()
            .any(|d| {
                self.intervals(d)
                    .into_iter()
                    .any(|(from, to)| from <= at_ms && at_ms < to)
            })
    }

    /// Business minutes of a working day with `hours` (what `"1d"` means in a target).
    pub fn minutes_per_day(hours: &[TimeRange]) -> u32 {
        normalised(hours).iter().map(TimeRange::minutes).sum()
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.timezone).date_naive()
    }

    /// The business intervals of `date` in real time (Unix ms), in order.
    fn intervals(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        self.hours_on(date)
            .iter()
            .map(|range| {
                (
                    self.instant_of(date, range.start, Edge::Start),
                    self.instant_of(date, range.end, Edge::End),
                )
            })
            .collect()
    }

    /// The real instant (Unix ms) at which the local clock shows `minute` of `date`; see the
    /// module docs for the clock's skipped and repeated times.
    fn instant_of(&self, date: NaiveDate, minute: u16, edge: Edge) -> i64 {
        let Some(mut local) = local_time(date, minute) else {
            return if minute == 0 { i64::MIN } else { i64::MAX };
        };
        // A time the clock skips: the first minute after it that exists is when the clock
        // jumped. Gaps are at most a few hours; a day is plenty.
        for _ in 0..=DAY_MINUTES {
            let mapped = self.timezone.from_local_datetime(&local);
            let chosen = match edge {
                Edge::Start => mapped.earliest(),
                Edge::End => mapped.latest(),
            };
            if let Some(t) = chosen {
                return t.timestamp_millis();
            }
            match local.checked_add_signed(chrono::TimeDelta::minutes(1)) {
                Some(next) => local = next,
                None => break,
            }
        }
        i64::MAX
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// The wall-clock time `minute` minutes after the start of `date` (1440 is the next midnight).
fn local_time(date: NaiveDate, minute: u16) -> Option<NaiveDateTime> {
    if minute >= DAY_MINUTES {
        return date.succ_opt()?.and_hms_opt(0, 0, 0);
    }
    date.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
}

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use chrono_tz::Europe::Rome;
    use proptest::prelude::*;

    use super::super::holidays::ExtraHoliday;
    use super::*;

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    fn range(text: &str) -> TimeRange {
        text.parse().expect("a range")
    }

    /// Mon-Fri 09:00-13:00 and 14:00-18:00 in Rome, Italian holidays.
    fn office() -> BusinessCalendar {
        BusinessCalendar::new(
            Rome,
            &WEEKDAYS,
            &[range("09:00-13:00"), range("14:00-18:00")],
            Holidays::italian_plus(Vec::new()),
        )
    }

    /// Rome local time.
    fn rome(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Rome.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("an unambiguous local time")
            .with_timezone(&Utc)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("a UTC time")
    }

    #[test]
    fn time_ranges_parse_and_print() {
        assert_eq!(range("09:00-13:00").to_string(), "09:00-13:00");
        assert_eq!(range("9:00 - 13:30").to_string(), "09:00-13:30");
        assert_eq!(range("00:00-24:00").minutes(), 1440);
        for bad in [
            "",
            "9-13",
            "09:00",
            "09:00-25:00",
            "09:60-10:00",
            "24:30-24:45",
            "a:bc-d",
        ] {
            let err = bad.parse::<TimeRange>().expect_err(bad);
            assert!(err.contains("HH:MM-HH:MM"), "{bad:?}: {err}");
        }
        let backwards = "18:00-09:00".parse::<TimeRange>().expect_err("backwards");
        assert!(backwards.contains("cannot cross midnight"), "{backwards}");
        assert!("10:00-10:00".parse::<TimeRange>().is_err());
        assert!(range("09:00-13:00").overlaps(&range("12:00-14:00")));
        assert!(!range("09:00-13:00").overlaps(&range("13:00-14:00")));
        assert_eq!(
            BusinessCalendar::minutes_per_day(&[range("09:00-13:00"), range("14:00-18:00")]),
            480
        );
    }

    #[test]
    fn within_one_morning() {
        let cal = office();
        // Monday 2 November 2026, 10:00 Rome.
        let start = rome(2026, 11, 2, 10, 0);
        assert_eq!(
            cal.add_business_minutes(start, 90),
            rome(2026, 11, 2, 11, 30)
        );
        assert_eq!(cal.add_business_minutes(start, 0), start);
        assert_eq!(
            cal.business_minutes_between(start, rome(2026, 11, 2, 11, 30)),
            90
        );
    }

    #[test]
    fn the_lunch_break_is_skipped() {
        let cal = office();
        let start = rome(2026, 11, 2, 12, 0);
        // 60 minutes before lunch, 60 after it.
        assert_eq!(
            cal.add_business_minutes(start, 120),
            rome(2026, 11, 2, 15, 0)
        );
        // Landing exactly on the end of the morning: the earliest moment, 13:00, not 14:00.
        assert_eq!(
            cal.add_business_minutes(start, 60),
            rome(2026, 11, 2, 13, 0)
        );
    }

    #[test]
    fn a_start_in_the_lunch_break_counts_from_14() {
        let cal = office();
        let start = rome(2026, 11, 2, 13, 20);
        assert!(!cal.is_business_time(start));
        assert_eq!(
            cal.add_business_minutes(start, 30),
            rome(2026, 11, 2, 14, 30)
        );
        assert_eq!(
            cal.business_minutes_between(start, rome(2026, 11, 2, 14, 30)),
            30
        );
    }

    #[test]
    fn a_start_outside_business_hours_counts_from_the_next_opening() {
        let cal = office();
        // Monday 20:00 → Tuesday 09:00 + 1 h.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 11, 2, 20, 0), 60),
            rome(2026, 11, 3, 10, 0)
        );
        // Tuesday 06:30 → Tuesday 09:00 + 4 h = 13:00.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 11, 3, 6, 30), 240),
            rome(2026, 11, 3, 13, 0)
        );
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = office();
        // Friday 6 November 2026, 17:00 + 2 h → Monday 9 November 10:00.
        let friday = rome(2026, 11, 6, 17, 0);
        assert_eq!(
            cal.add_business_minutes(friday, 120),
            rome(2026, 11, 9, 10, 0)
        );
        // Saturday morning: counts from Monday 09:00.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 11, 7, 10, 0), 30),
            rome(2026, 11, 9, 9, 30)
        );
        assert!(!cal.is_business_time(rome(2026, 11, 7, 10, 0)));
        assert_eq!(
            cal.business_minutes_between(friday, rome(2026, 11, 9, 10, 0)),
            120
        );
    }

    #[test]
    fn spans_across_several_days() {
        let cal = office();
        // Tuesday 3 November 15:00 + 2 business days (960 minutes) → Thursday 5 November 15:00.
        let start = rome(2026, 11, 3, 15, 0);
        let end = rome(2026, 11, 5, 15, 0);
        assert_eq!(cal.add_business_minutes(start, 960), end);
        assert_eq!(cal.business_minutes_between(start, end), 960);
        // Thursday 15:00 + 5 business days → the next Thursday 15:00.
        assert_eq!(
            cal.add_business_minutes(end, 5 * 480),
            rome(2026, 11, 12, 15, 0)
        );
    }

    #[test]
    fn national_holidays_are_skipped() {
        let cal = office();
        // Monday 7 December 2026 17:00 + 2 h: Tuesday 8 December (Immacolata) is skipped.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 12, 7, 17, 0), 120),
            rome(2026, 12, 9, 10, 0)
        );
        // Thursday 24 December 17:00 + 2 h: 25 (Friday) and 26 (Saturday), weekend → Monday 28.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 12, 24, 17, 0), 120),
            rome(2026, 12, 28, 10, 0)
        );
        // 1 May 2026 is a Friday.
        assert!(!cal.is_business_time(rome(2026, 5, 1, 10, 0)));
    }

    #[test]
    fn easter_monday_is_skipped_in_several_years() {
        let cal = office();
        // The Friday before Easter at 17:00 + 2 h lands on the Tuesday after Easter Monday.
        for (friday, tuesday) in [
            ((2025, 4, 18), (2025, 4, 22)),
            ((2026, 4, 3), (2026, 4, 7)),
            ((2027, 3, 26), (2027, 3, 30)),
        ] {
            let start = rome(friday.0, friday.1, friday.2, 17, 0);
            let expected = rome(tuesday.0, tuesday.1, tuesday.2, 10, 0);
            assert_eq!(cal.add_business_minutes(start, 120), expected, "{friday:?}");
            assert_eq!(cal.business_minutes_between(start, expected), 120);
        }
        for (y, m, d) in [(2025, 4, 21), (2026, 4, 6), (2027, 3, 29)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
            assert_eq!(date.weekday(), Weekday::Mon);
            assert!(!cal.is_working_day(date), "{date} is Easter Monday");
            assert!(!cal.is_business_time(rome(y, m, d, 10, 0)));
        }
    }

    #[test]
    fn extra_holidays_are_skipped() {
        let cal = BusinessCalendar::new(
            Rome,
            &WEEKDAYS,
            &[range("09:00-18:00")],
            Holidays::italian_plus(vec![ExtraHoliday::EveryYear { month: 12, day: 7 }]),
        );
        // Friday 4 December 2026 17:00 + 2 h: Monday 7 (Sant'Ambrogio) and Tuesday 8 are off.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 12, 4, 17, 0), 120),
            rome(2026, 12, 9, 10, 0)
        );
    }

    #[test]
    fn a_shorter_friday() {
        let cal = office().with_day_hours(Weekday::Fri, &[range("09:00-13:00")]);
        // Friday 6 November 12:00 + 2 h: one hour on Friday, one on Monday.
        assert_eq!(
            cal.add_business_minutes(rome(2026, 11, 6, 12, 0), 120),
            rome(2026, 11, 9, 10, 0)
        );
        assert!(!cal.is_business_time(rome(2026, 11, 6, 15, 0)));
    }

    #[test]
    fn office_hours_across_the_dst_changes() {
        let cal = office();
        // Friday 27 March 2026 (CET, UTC+1) 17:00 + 2 h → Monday 30 March (CEST, UTC+2) 10:00.
        let start = rome(2026, 3, 27, 17, 0);
        assert_eq!(start, utc(2026, 3, 27, 16, 0));
        let end = cal.add_business_minutes(start, 120);
        assert_eq!(end, rome(2026, 3, 30, 10, 0));
        assert_eq!(end, utc(2026, 3, 30, 8, 0));
        // Friday 23 October 2026 (CEST) 17:00 + 2 h → Monday 26 October (CET) 10:00.
        let end = cal.add_business_minutes(rome(2026, 10, 23, 17, 0), 120);
        assert_eq!(end, utc(2026, 10, 26, 9, 0));
        // Business time between the two Fridays is what the calendar says, whatever the offset.
        assert_eq!(
            cal.business_minutes_between(rome(2026, 3, 27, 9, 0), rome(2026, 3, 30, 18, 0)),
            2 * 480
        );
    }

    /// Sunday only, 01:00-04:00: the DST changes happen inside the business hours.
    fn night_sundays() -> BusinessCalendar {
        BusinessCalendar::new(
            Rome,
            &[Weekday::Sun],
            &[range("01:00-04:00")],
            Holidays::default(),
        )
    }

    #[test]
    fn spring_forward_inside_business_hours() {
        let cal = night_sundays();
        // Sunday 29 March 2026: at 02:00 CET the clock jumps to 03:00 CEST. 01:00-04:00 local is
        // 00:00Z-02:00Z: two real hours.
        let opening = utc(2026, 3, 29, 0, 0);
        assert_eq!(opening, rome(2026, 3, 29, 1, 0));
        assert_eq!(
            cal.business_minutes_between(utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 12, 0)),
            120
        );
        assert_eq!(
            cal.add_business_minutes(opening, 60),
            utc(2026, 3, 29, 1, 0)
        );
        // 01:00Z is 03:00 CEST: one hour left.
        assert_eq!(
            cal.add_business_minutes(opening, 90),
            utc(2026, 3, 29, 1, 30)
        );
        assert_eq!(
            cal.add_business_minutes(opening, 120),
            utc(2026, 3, 29, 2, 0)
        );
        // The 121st minute is the next Sunday, 5 April (CEST): 01:00 CEST = 23:00Z Saturday.
        assert_eq!(
            cal.add_business_minutes(opening, 121),
            utc(2026, 4, 4, 23, 1)
        );
        assert!(cal.is_business_time(utc(2026, 3, 29, 1, 59)));
        assert!(!cal.is_business_time(utc(2026, 3, 29, 2, 0)));
    }

    #[test]
    fn fall_back_inside_business_hours() {
        let cal = night_sundays();
        // Sunday 25 October 2026: at 03:00 CEST the clock goes back to 02:00 CET. 01:00 CEST is
        // 23:00Z Saturday, 04:00 CET is 03:00Z: four real hours.
        let opening = utc(2026, 10, 24, 23, 0);
        assert_eq!(opening, rome(2026, 10, 25, 1, 0));
        assert_eq!(
            cal.business_minutes_between(utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0)),
            240
        );
        assert_eq!(
            cal.add_business_minutes(opening, 180),
            utc(2026, 10, 25, 2, 0)
        );
        assert_eq!(
            cal.add_business_minutes(opening, 240),
            utc(2026, 10, 25, 3, 0)
        );
        // Both showings of 02:30 are business time.
        assert!(cal.is_business_time(utc(2026, 10, 25, 0, 30)));
        assert!(cal.is_business_time(utc(2026, 10, 25, 1, 30)));
        assert!(!cal.is_business_time(utc(2026, 10, 25, 3, 0)));
    }

    #[test]
    fn a_range_starting_in_the_skipped_hour_starts_when_the_clock_jumps() {
        let cal = BusinessCalendar::new(
            Rome,
            &[Weekday::Sun],
            &[range("02:30-05:00")],
            Holidays::default(),
        );
        // 02:30 does not exist on 29 March 2026: business time runs 03:00 CEST (01:00Z) to
        // 05:00 CEST (03:00Z).
        assert_eq!(
            cal.add_business_minutes(utc(2026, 3, 28, 20, 0), 1),
            utc(2026, 3, 29, 1, 1)
        );
        assert_eq!(
            cal.business_minutes_between(utc(2026, 3, 28, 20, 0), utc(2026, 3, 29, 20, 0)),
            120
        );
    }

    #[test]
    fn between_is_zero_backwards_and_ignores_seconds_left_over() {
        let cal = office();
        let a = rome(2026, 11, 2, 10, 0);
        let b = rome(2026, 11, 2, 11, 0);
        assert_eq!(cal.business_minutes_between(b, a), 0);
        assert_eq!(cal.business_minutes_between(a, a), 0);
        assert_eq!(
            cal.business_minutes_between(a, b + TimeDelta::seconds(59)),
            60
        );
    }

    #[test]
    fn a_calendar_without_business_time_does_not_hang() {
        let cal = BusinessCalendar::new(Rome, &[], &[range("09:00-18:00")], Holidays::default());
        let start = rome(2026, 11, 2, 10, 0);
        assert!(cal.add_business_minutes(start, 60) > start + TimeDelta::days(3000));
        assert_eq!(
            cal.business_minutes_between(start, start + TimeDelta::days(30)),
            0
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Adding minutes and then measuring gives the minutes back, from any start (around
        /// both DST changes of several years), in both calendars.
        #[test]
        fn add_then_between_gives_the_minutes_back(
            // 2024-01-01 .. 2028-12-31, to the millisecond.
            start_ms in 1_704_067_200_000_i64..1_861_920_000_000_i64,
            minutes in 0u32..20_000,
            night in any::<bool>(),
        ) {
            let cal = if night { night_sundays() } else { office() };
            let start = instant(start_ms);
            let end = cal.add_business_minutes(start, minutes);
            prop_assert!(end >= start);
            prop_assert_eq!(cal.business_minutes_between(start, end), minutes);
            // The end is the earliest such instant: a minute earlier is one business minute
            // short (when there were minutes to add).
            if minutes > 0 {
                let before = end - TimeDelta::minutes(1);
                prop_assert_eq!(
                    cal.business_minutes_between(start, before.max(start)),
                    minutes - 1
                );
            }
        }

        /// Measuring and then adding lands at or before the end, within a business minute of it.
        #[test]
        fn between_then_add_stays_within_the_span(
            from_ms in 1_704_067_200_000_i64..1_861_920_000_000_i64,
            span_ms in 0i64..(40 * 86_400_000),
        ) {
            let cal = office();
            let from = instant(from_ms);
            let to = instant(from_ms + span_ms);
            let minutes = cal.business_minutes_between(from, to);
            let back = cal.add_business_minutes(from, minutes);
            prop_assert!(back <= to);
            prop_assert!(cal.business_minutes_between(back, to) < 1);
        }
    }
}
