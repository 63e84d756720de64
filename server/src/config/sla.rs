//! `[sla]`: the business calendar and the response/resolution targets (feature T6).
//!
//! ```toml
//! [sla]
//! timezone = "Europe/Rome"
//! working_days = ["mon", "tue", "wed", "thu", "fri"]
//! hours = ["09:00-13:00", "14:00-18:00"]
//! italian_holidays = true
//! extra_holidays = ["12-07", "2026-12-24"]    # every year "MM-DD", or one date
//! [sla.day_hours]
//! fri = ["09:00-13:00"]                        # a weekday with other hours
//! [sla.default_targets]                        # classes without their own table
//! normal = { response = "4h", resolution = "2d" }
//! [sla.targets.Gold]                           # priorities not listed: default_targets
//! urgent = { response = "30m", resolution = "2h" }
//! ```
//!
//! Durations are business time: `"30m"`, `"4h"`, `"1h30m"`, `"2d"` or a number of minutes, where
//! a day is as long as `hours` (8 hours with the defaults). Values are parsed as they are read, so
//! a bad one is reported with its line; [`validate`] adds the cross-checks.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use chrono::Weekday;
use chrono_tz::Tz;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{Config, ConfigProblem, Priority};
use crate::sla::{
    BusinessCalendar, ExtraHoliday, Holidays, PriorityTargets, SlaTargets, Target, TargetDuration,
    TimeRange,
};

/// `[sla]`: when SLA clocks run and how long support may take.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaConfig {
    /// IANA time zone the hours are in.
    pub timezone: TimeZoneName,
    /// Days business time runs on: `mon` … `sun` (English or Italian names, any case).
    pub working_days: Vec<WorkingDay>,
    /// Business hours of a working day, local time, one or more `"HH:MM-HH:MM"` ranges. Their
    /// total is the length of a business day (`"1d"` in a target).
    pub hours: Vec<TimeRange>,
    /// Other hours on some working days, e.g. `fri = ["09:00-13:00"]`.
    pub day_hours: BTreeMap<String, Vec<TimeRange>>,
    /// Whether the Italian national public holidays (with Easter Monday) stop the clock.
    pub italian_holidays: bool,
    /// More days off: `"MM-DD"` every year (a patron saint), `"YYYY-MM-DD"` once.
    pub extra_holidays: Vec<ExtraHoliday>,
    /// Targets of contract classes that have no table in `targets`.
    pub default_targets: DefaultTargets,
    /// Targets per contract class (`[sla.targets.<Class>]`); a priority left out takes the
    /// `default_targets` row.
    pub targets: BTreeMap<String, ClassTargets>,
}

impl Default for SlaConfig {
    fn default() -> Self {
        SlaConfig {
            timezone: TimeZoneName(chrono_tz::Europe::Rome),
            working_days: [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ]
            .map(WorkingDay)
            .to_vec(),
            hours: vec![MORNING, AFTERNOON],
            day_hours: BTreeMap::new(),
            italian_holidays: true,
            extra_holidays: Vec::new(),
            // Standard, the default class, has no table: it takes default_targets. A built-in
            // table would name a class that a config may not have.
            default_targets: DefaultTargets::default(),
            targets: BTreeMap::new(),
        }
    }
}

/// The default hours: 09:00-13:00 and 14:00-18:00 (checked when compiling).
const MORNING: TimeRange = match TimeRange::new(9 * 60, 13 * 60) {
    Some(range) => range,
    None => panic!("09:00-13:00 is a valid range"),
};
const AFTERNOON: TimeRange = match TimeRange::new(14 * 60, 18 * 60) {
    Some(range) => range,
    None => panic!("14:00-18:00 is a valid range"),
};

/// One target row: `{ response = "4h", resolution = "2d" }`. A duration left out is 0, which
/// validation refuses with the key's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRow {
    /// Until the first technician reply.
    #[serde(default)]
    pub response: TargetDuration,
    /// Until the ticket is resolved.
    #[serde(default)]
    pub resolution: TargetDuration,
}

impl TargetRow {
    fn new(response: TargetDuration, resolution: TargetDuration) -> Self {
        TargetRow {
            response,
            resolution,
        }
    }

    fn to_target(self, day_minutes: u32) -> Target {
        Target {
            response_minutes: self.response.to_minutes(day_minutes),
            resolution_minutes: self.resolution.to_minutes(day_minutes),
        }
    }
}

fn duration(days: u32, hours: u32) -> TargetDuration {
    TargetDuration {
        days,
        hours,
        minutes: 0,
    }
}

/// `[sla.default_targets]`: a row for each priority; a row left out keeps its built-in value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DefaultTargets {
    pub low: TargetRow,
    pub normal: TargetRow,
    pub high: TargetRow,
    pub urgent: TargetRow,
}

impl Default for DefaultTargets {
    /// Low 1d/5d, normal 4h/2d, high 2h/1d, urgent 1h/4h (response/resolution, business time).
    fn default() -> Self {
        DefaultTargets {
            low: TargetRow::new(duration(1, 0), duration(5, 0)),
            normal: TargetRow::new(duration(0, 4), duration(2, 0)),
            high: TargetRow::new(duration(0, 2), duration(1, 0)),
            urgent: TargetRow::new(duration(0, 1), duration(0, 4)),
        }
    }
}

/// `[sla.targets.<Class>]`: rows for some priorities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassTargets {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<TargetRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normal: Option<TargetRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<TargetRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgent: Option<TargetRow>,
}

impl ClassTargets {
    fn rows(&self) -> [(Priority, Option<TargetRow>); 4] {
        [
            (Priority::Low, self.low),
            (Priority::Normal, self.normal),
            (Priority::High, self.high),
            (Priority::Urgent, self.urgent),
        ]
    }
}

impl DefaultTargets {
    fn rows(&self) -> [(Priority, TargetRow); 4] {
        [
            (Priority::Low, self.low),
            (Priority::Normal, self.normal),
            (Priority::High, self.high),
            (Priority::Urgent, self.urgent),
        ]
    }
}

impl SlaConfig {
    /// Business minutes in a day (`"1d"`): the total of `hours`.
    pub fn day_minutes(&self) -> u32 {
        BusinessCalendar::minutes_per_day(&self.hours)
    }

    /// The business calendar. Day names that are not days (reported by validation) are skipped.
    pub fn calendar(&self) -> BusinessCalendar {
        let days: Vec<Weekday> = self.working_days.iter().map(|d| d.0).collect();
        let holidays = Holidays {
            italian: self.italian_holidays,
            extra: self.extra_holidays.clone(),
        };
        let mut calendar = BusinessCalendar::new(self.timezone.0, &days, &self.hours, holidays);
        for (name, hours) in &self.day_hours {
            if let Some(day) = parse_day(name).filter(|d| days.contains(d)) {
                calendar = calendar.with_day_hours(day, hours);
            }
        }
        calendar
    }

    /// The targets in business minutes.
    pub fn targets(&self) -> SlaTargets {
        let day = self.day_minutes();
        let default = PriorityTargets {
            low: self.default_targets.low.to_target(day),
            normal: self.default_targets.normal.to_target(day),
            high: self.default_targets.high.to_target(day),
            urgent: self.default_targets.urgent.to_target(day),
        };
        let mut targets = SlaTargets::new(default);
        for (class, rows) in &self.targets {
            let mut class_targets = default;
            for (priority, row) in rows.rows() {
                if let Some(row) = row {
                    class_targets.set(priority, row.to_target(day));
                }
            }
            targets = targets.with_class(class, class_targets);
        }
        targets
    }
}

/// The checks serde cannot do; key paths start with `sla.`.
pub(super) fn validate(config: &Config) -> Vec<ConfigProblem> {
    let sla = &config.sla;
    let mut problems = Vec::new();
    let mut push = |key: String, reason: String| {
        problems.push(ConfigProblem {
            file: String::new(),
            line: None,
            key,
            reason,
        })
    };

    if sla.working_days.is_empty() {
        push(
            "sla.working_days".into(),
            "must list at least one day, e.g. [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]".into(),
        );
    }
    let mut seen_days: HashMap<Weekday, usize> = HashMap::new();
    for (i, day) in sla.working_days.iter().enumerate() {
        if let Some(first) = seen_days.insert(day.0, i) {
            push(
                format!("sla.working_days[{i}]"),
                format!("{day} is listed twice (already at sla.working_days[{first}])"),
            );
        }
    }

    if sla.hours.is_empty() {
        push(
            "sla.hours".into(),
            "must list at least one range, e.g. [\"09:00-13:00\", \"14:00-18:00\"]".into(),
        );
    }
    check_ranges("sla.hours", &sla.hours, &mut push);

    let mut seen_overrides: HashMap<Weekday, &str> = HashMap::new();
    for (name, hours) in &sla.day_hours {
        let key = format!("sla.day_hours.{name}");
        let Some(day) = parse_day(name) else {
            push(key, format!("unknown day {name:?} ({DAY_NAMES})"));
            continue;
        };
        if let Some(other) = seen_overrides.insert(day, name) {
            push(
                key.clone(),
                format!("{name:?} is the same day as {other:?}, also in sla.day_hours"),
            );
        }
        if !seen_days.contains_key(&day) {
            push(
                key.clone(),
                format!(
                    "{} is not in sla.working_days: add it there to make it a working day",
                    WorkingDay(day)
                ),
            );
        }
        if hours.is_empty() {
            push(
                key.clone(),
                "must list at least one range (remove the day from sla.working_days to make it \
                 a day off)"
                    .into(),
            );
        }
        check_ranges(&key, hours, &mut push);
    }

    let mut seen_holidays: HashMap<ExtraHoliday, usize> = HashMap::new();
    for (i, holiday) in sla.extra_holidays.iter().enumerate() {
        if let Some(first) = seen_holidays.insert(*holiday, i) {
            push(
                format!("sla.extra_holidays[{i}]"),
                format!("\"{holiday}\" is listed twice (already at sla.extra_holidays[{first}])"),
            );
        }
    }

    let classes = &config.tickets.classes;
    for class in sla.targets.keys() {
        if !classes.iter().any(|c| c == class) {
            push(
                format!("sla.targets.{class}"),
                format!(
                    "unknown contract class {class:?} (known: {}; see tickets.classes)",
                    classes.join(", ")
                ),
            );
        }
    }

    // Targets in days mean nothing without hours; that problem is reported above.
    let day = sla.day_minutes();
    if day > 0 {
        for (priority, row) in sla.default_targets.rows() {
            check_row(
                format!("sla.default_targets.{priority}"),
                row,
                day,
                &mut push,
            );
        }
        for (class, rows) in &sla.targets {
            for (priority, row) in rows.rows() {
                if let Some(row) = row {
                    check_row(
                        format!("sla.targets.{class}.{priority}"),
                        row,
                        day,
                        &mut push,
                    );
                }
            }
        }
    }
    problems
}

fn check_ranges(key: &str, ranges: &[TimeRange], push: &mut impl FnMut(String, String)) {
    for (j, range) in ranges.iter().enumerate() {
        if let Some(i) = ranges[..j].iter().position(|r| r.overlaps(range)) {
            push(
                format!("{key}[{j}]"),
                format!("\"{range}\" overlaps \"{}\" ({key}[{i}])", ranges[i]),
            );
        }
    }
}

fn check_row(key: String, row: TargetRow, day: u32, push: &mut impl FnMut(String, String)) {
    for (field, value) in [("response", row.response), ("resolution", row.resolution)] {
        if value.to_minutes(day) == 0 {
            push(
                format!("{key}.{field}"),
                "must be given, and more than 0 (e.g. \"4h\")".into(),
            );
        }
    }
    let (response, resolution) = (row.response.to_minutes(day), row.resolution.to_minutes(day));
    // A missing (zero) duration is reported above; comparing with it would only echo that.
    if resolution > 0 && response > resolution {
        push(
            format!("{key}.response"),
            format!(
                "{} is longer than the resolution target ({}): the first reply cannot be due \
                 after the ticket should be resolved",
                row.response, row.resolution
            ),
        );
    }
}

/// Accepted day names, for messages.
const DAY_NAMES: &str = "mon, tue, wed, thu, fri, sat, sun, or their full English or Italian names";

/// A weekday from its English or Italian name or abbreviation, any case.
fn parse_day(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_lowercase();
    let day = match lower.as_str() {
        "mon" | "monday" | "lun" | "lunedì" | "lunedi" => Weekday::Mon,
        "tue" | "tuesday" | "mar" | "martedì" | "martedi" => Weekday::Tue,
        "wed" | "wednesday" | "mer" | "mercoledì" | "mercoledi" => Weekday::Wed,
        "thu" | "thursday" | "gio" | "giovedì" | "giovedi" => Weekday::Thu,
        "fri" | "friday" | "ven" | "venerdì" | "venerdi" => Weekday::Fri,
        "sat" | "saturday" | "sab" | "sabato" => Weekday::Sat,
        "sun" | "sunday" | "dom" | "domenica" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// A working day in the config: read from any accepted name, written as `mon` … `sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkingDay(pub Weekday);

impl fmt::Display for WorkingDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        })
    }
}

impl FromStr for WorkingDay {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_day(text)
            .map(WorkingDay)
            .ok_or_else(|| format!("unknown day {text:?} ({DAY_NAMES})"))
    }
}

/// An IANA time zone name, checked as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(pub Tz);

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl FromStr for TimeZoneName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse::<Tz>().map(TimeZoneName).map_err(|_| {
            format!("unknown time zone {text:?} (an IANA name such as \"Europe/Rome\")")
        })
    }
}

/// Serde through `FromStr`/`Display`: the config's text forms of calendar values.
macro_rules! text_serde {
    ($($ty:ty => $expecting:literal),* $(,)?) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(TextVisitor::<$ty>(PhantomData, $expecting))
            }
        }
    )*};
}

text_serde! {
    TimeZoneName => "a time zone name such as \"Europe/Rome\"",
    WorkingDay => "a day such as \"mon\"",
    TimeRange => "a time range such as \"09:00-13:00\"",
    ExtraHoliday => "a holiday such as \"12-07\" or \"2026-12-24\"",
    TargetDuration => "a duration such as \"4h\", \"2d\" or a number of minutes",
}

struct TextVisitor<T>(PhantomData<T>, &'static str);

impl<T: FromStr<Err = String>> Visitor<'_> for TextVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }

    /// Only a duration reads a number (minutes); for the others the text says what was
    /// expected.
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        v.to_string().parse().map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if v < 0 {
            return Err(E::custom(format!("must not be negative (got {v})")));
        }
        v.to_string().parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::super::ConfigError;
    use super::*;

    fn parse(text: &str) -> Config {
        match Config::from_toml_str(text, "ppdesk.toml") {
            Ok(config) => config,
            Err(e) => panic!("expected a valid config, got:\n{e}"),
        }
    }

    fn problems(text: &str) -> Vec<String> {
        match Config::from_toml_str(text, "ppdesk.toml") {
            Ok(_) => panic!("expected problems in:\n{text}"),
            Err(ConfigError::Invalid(problems)) => problems.iter().map(|p| p.to_string()).collect(),
            Err(other) => panic!("expected Invalid, got {other}"),
        }
    }

    #[test]
    fn defaults_are_an_italian_office() {
        let sla = SlaConfig::default();
        assert_eq!(sla.timezone.to_string(), "Europe/Rome");
        assert_eq!(sla.day_minutes(), 480);
        let targets = sla.targets();
        for class in ["Standard", "Anything"] {
            let normal = targets.target(class, Priority::Normal);
            assert_eq!(
                (normal.response_minutes, normal.resolution_minutes),
                (240, 960)
            );
            let urgent = targets.target(class, Priority::Urgent);
            assert_eq!(
                (urgent.response_minutes, urgent.resolution_minutes),
                (60, 240)
            );
            let low = targets.target(class, Priority::Low);
            assert_eq!((low.response_minutes, low.resolution_minutes), (480, 2400));
        }
        let calendar = sla.calendar();
        // Easter Monday 2026, and a plain Tuesday.
        let rome = |d: u32, h: u32| {
            chrono_tz::Europe::Rome
                .with_ymd_and_hms(2026, 4, d, h, 0, 0)
                .single()
                .expect("time")
                .with_timezone(&Utc)
        };
        assert!(!calendar.is_business_time(rome(6, 10)));
        assert!(calendar.is_business_time(rome(7, 10)));
        assert!(!calendar.is_business_time(rome(7, 13)));
        assert!(Config::default().validate().is_empty());
    }

    #[test]
    fn a_full_sla_section_is_read() {
        let config = parse(
            r#"
[tickets]
classes = ["Standard", "Gold"]

[sla]
timezone = "Europe/Rome"
working_days = ["lun", "Tuesday", "wed", "thu", "venerdì", "sat"]
hours = ["08:30-12:30", "13:30-17:30"]
italian_holidays = true
extra_holidays = ["12-07", "2026-12-24"]

[sla.day_hours]
sat = ["09:00-12:00"]

[sla.default_targets]
normal = { response = 120, resolution = "1d 4h" }

[sla.targets.Gold]
urgent = { response = "30m", resolution = "2h" }
"#,
        );
        let sla = &config.sla;
        assert_eq!(sla.working_days.len(), 6);
        assert_eq!(sla.working_days[4], WorkingDay(Weekday::Fri));
        assert_eq!(sla.day_minutes(), 480);
        let targets = sla.targets();
        let gold_urgent = targets.target("Gold", Priority::Urgent);
        assert_eq!(
            (gold_urgent.response_minutes, gold_urgent.resolution_minutes),
            (30, 120)
        );
        // Gold's other priorities and Standard (no table now) come from default_targets.
        let gold_normal = targets.target("Gold", Priority::Normal);
        assert_eq!(
            (gold_normal.response_minutes, gold_normal.resolution_minutes),
            (120, 720)
        );
        let standard_high = targets.target("Standard", Priority::High);
        assert_eq!(
            (
                standard_high.response_minutes,
                standard_high.resolution_minutes
            ),
            (120, 480)
        );
        let calendar = sla.calendar();
        let saturday = chrono::NaiveDate::from_ymd_opt(2026, 11, 7).expect("date");
        assert_eq!(calendar.hours_on(saturday).len(), 1);
        let milan = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert!(!calendar.is_working_day(milan));
    }

    #[test]
    fn bad_values_are_reported_with_line_and_key() {
        let found = problems(
            r#"[sla]
timezone = "Europe/Roma"
working_days = ["mon", "fry"]
hours = ["9-13"]
extra_holidays = ["31-12"]

[sla.default_targets]
normal = { response = "4 hours", resolution = "2d" }
"#,
        );
        let expected = [
            (
                "ppdesk.toml:2: sla.timezone: ",
                "unknown time zone \"Europe/Roma\"",
            ),
            ("ppdesk.toml:3: sla.working_days", "unknown day \"fry\""),
            ("ppdesk.toml:4: sla.hours", "invalid time range \"9-13\""),
            ("ppdesk.toml:5: sla.extra_holidays", "\"31-12\""),
            (
                "ppdesk.toml:8: sla.default_targets.normal",
                "invalid duration \"4 hours\"",
            ),
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for ((prefix, reason), problem) in expected.iter().zip(&found) {
            assert!(
                problem.starts_with(prefix) && problem.contains(reason),
                "expected {prefix}…{reason}, got {problem}"
            );
        }
    }

    #[test]
    fn cross_checks_name_the_key() {
        let found = problems(
            r#"[sla]
working_days = ["mon", "tue", "mon"]
hours = ["09:00-13:00", "12:00-18:00"]
extra_holidays = ["12-07", "12-07"]

[sla.day_hours]
sat = ["09:00-12:00"]
ven = []

[sla.default_targets]
urgent = { response = "0m", resolution = "4h" }
high = { response = "2d", resolution = "4h" }

[sla.targets.Gold]
low = { response = "1h", resolution = "2h" }
"#,
        );
        let expected = [
            "ppdesk.toml:2: sla.working_days[2]: mon is listed twice",
            "ppdesk.toml:3: sla.hours[1]: \"12:00-18:00\" overlaps \"09:00-13:00\"",
            "ppdesk.toml:4: sla.extra_holidays[1]: \"12-07\" is listed twice",
            "ppdesk.toml:7: sla.day_hours.sat: sat is not in sla.working_days",
            "ppdesk.toml:8: sla.day_hours.ven: fri is not in sla.working_days",
            "ppdesk.toml:8: sla.day_hours.ven: must list at least one range",
            "ppdesk.toml:11: sla.default_targets.urgent.response: must be given, and more than 0",
            "ppdesk.toml:12: sla.default_targets.high.response: 2d is longer than the resolution",
            "ppdesk.toml:14: sla.targets.Gold: unknown contract class \"Gold\" (known: Standard",
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for want in expected {
            assert!(
                found.iter().any(|p| p.starts_with(want)),
                "missing {want:?} in {found:#?}"
            );
        }
    }

    #[test]
    fn no_working_days_or_hours_is_refused() {
        let found = problems("[sla]\nworking_days = []\nhours = []\n");
        assert!(
            found[0].starts_with("ppdesk.toml:2: sla.working_days: must list at least one day"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("ppdesk.toml:3: sla.hours: must list at least one range"),
            "{found:#?}"
        );
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    #[test]
    fn unknown_keys_in_target_rows_are_refused() {
        let found =
            problems("[sla.default_targets]\nnormal = { response = \"4h\", resolve = \"2d\" }\n");
        assert!(
            found[0].contains("sla.default_targets.normal") && found[0].contains("resolve"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_row_without_a_duration_names_it() {
        let found = problems("[sla.default_targets]\nnormal = { response = \"4h\" }\n");
        assert_eq!(
            found,
            [
                "ppdesk.toml:2: sla.default_targets.normal.resolution: must be given, and more than \
              0 (e.g. \"4h\")"
            ]
        );
    }

    #[test]
    fn the_section_round_trips_through_toml() {
        let config = parse(
            "[tickets]\nclasses = [\"Standard\", \"Gold\"]\n[sla]\nextra_holidays = [\"06-29\"]\n\
             [sla.targets.Gold]\nurgent = { response = \"1h30m\", resolution = \"1d 2h\" }\n",
        );
        let text = toml::to_string(&config).expect("toml");
        let again = parse(&text);
        assert_eq!(
            serde_json::to_value(&config.sla).expect("json"),
            serde_json::to_value(&again.sla).expect("json")
        );
        assert_eq!(
            again.sla.targets["Gold"]
                .urgent
                .map(|r| r.response.to_string()),
            Some("1h30m".into())
        );
    }
}
