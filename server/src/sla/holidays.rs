//! Which days are public holidays: the Italian national ones, plus extra ones from the config
//! (a patron saint's day every year, a bridge day once).
//!
//! The Italian national holidays (L. 260/1949 and later amendments) are fixed dates, except Easter
//! Sunday and Easter Monday, which follow the Gregorian computus.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};

/// Fixed-date Italian national holidays, as (month, day): Capodanno, Epifania, Liberazione, Festa
/// del Lavoro, Festa della Repubblica, Ferragosto, Ognissanti, Immacolata, Natale, Santo Stefano.
const ITALIAN_FIXED: [(u32, u32); 10] = [
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 8),
    (12, 25),
    (12, 26),
];

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/
/// Jones/Butcher), or `None` for a year outside what a date can hold.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Easter Monday (Pasquetta) of `year`.
pub fn easter_monday(year: i32) -> Option<NaiveDate> {
    easter_sunday(year)?.checked_add_days(Days::new(1))
}

/// The Italian national public holidays of `year`, in date order (12 days).
pub fn italian_public_holidays(year: i32) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = ITALIAN_FIXED
        .iter()
        .filter_map(|&(month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .chain(easter_sunday(year))
        .chain(easter_monday(year))
        .collect();
    days.sort();
    days
}

/// Whether `date` is an Italian national public holiday.
pub fn is_italian_public_holiday(date: NaiveDate) -> bool {
    ITALIAN_FIXED.contains(&(date.month(), date.day()))
        || easter_sunday(date.year()) == Some(date)
        || easter_monday(date.year()) == Some(date)
}

/// A holiday added in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExtraHoliday {
    /// The same day every year, written `"MM-DD"` (e.g. `"12-07"`, Sant'Ambrogio in Milan).
    /// `"02-29"` applies in leap years only.
    EveryYear { month: u32, day: u32 },
    /// One date, written `"YYYY-MM-DD"` (a bridge day, a company closure).
    Once(NaiveDate),
}

impl ExtraHoliday {
    /// Whether this holiday falls on `date`.
    pub fn falls_on(&self, date: NaiveDate) -> bool {
        match *self {
            ExtraHoliday::EveryYear { month, day } => date.month() == month && date.day() == day,
            ExtraHoliday::Once(once) => once == date,
        }
    }

    /// Its date in `year`, if it has one then.
    pub fn in_year(&self, year: i32) -> Option<NaiveDate> {
        match *self {
            ExtraHoliday::EveryYear { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            ExtraHoliday::Once(once) => (once.year() == year).then_some(once),
        }
    }
}

impl FromStr for ExtraHoliday {
    type Err = String;

    /// `"MM-DD"` or `"YYYY-MM-DD"`; the reason of an error says which forms are accepted.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let invalid = || {
            format!(
                "invalid holiday {text:?} (expected \"MM-DD\" for every year, e.g. \"12-07\", \
                 or \"YYYY-MM-DD\" for one date)"
            )
        };
        let parts: Vec<&str> = trimmed.split('-').collect();
        let all_digits = parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if !all_digits {
            return Err(invalid());
        }
        match parts.as_slice() {
            [month, day] if month.len() == 2 && day.len() == 2 => {
                let (month, day) = (
                    month.parse().map_err(|_| invalid())?,
                    day.parse().map_err(|_| invalid())?,
                );
                // A leap year, so that "02-29" is a real day.
                if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                    return Err(format!("holiday {text:?}: there is no such day"));
                }
                Ok(ExtraHoliday::EveryYear { month, day })
            }
            [year, _, _] if year.len() == 4 => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                .map(ExtraHoliday::Once)
                .map_err(|_| format!("holiday {text:?}: there is no such date")),
            _ => Err(invalid()),
        }
    }
}

impl fmt::Display for ExtraHoliday {
    /// The form [`ExtraHoliday::from_str`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtraHoliday::EveryYear { month, day } => write!(f, "{month:02}-{day:02}"),
            ExtraHoliday::Once(date) => write!(f, "{}", date.format("%Y-%m-%d")),
        }
    }
}

/// The holidays a business calendar skips.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays {
    /// Whether the Italian national public holidays are holidays.
    pub italian: bool,
    /// Holidays added in the config.
    pub extra: Vec<ExtraHoliday>,
}

impl Holidays {
    /// The Italian national holidays plus `extra`.
    pub fn italian_plus(extra: Vec<ExtraHoliday>) -> Self {
        Holidays {
            italian: true,
            extra,
        }
    }

    /// Whether `date` is a holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        (self.italian && is_italian_public_holiday(date))
            || self.extra.iter().any(|h| h.falls_on(date))
    }

    /// Every holiday of `year`, in date order, each once.
    pub fn of_year(&self, year: i32) -> Vec<NaiveDate> {
        let mut days = if self.italian {
            italian_public_holidays(year)
        } else {
            Vec::new()
        };
        days.extend(self.extra.iter().filter_map(|h| h.in_year(year)));
        days.sort();
        days.dedup();
        days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn easter_by_the_computus_matches_the_published_dates() {
        // Published Easter Sundays, including the extremes of the range (22 March, 25 April).
        let known = [
            (1818, 3, 22),
            (1943, 4, 25),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn easter_monday_of_several_years() {
        assert_eq!(easter_monday(2025), Some(date(2025, 4, 21)));
        assert_eq!(easter_monday(2026), Some(date(2026, 4, 6)));
        assert_eq!(easter_monday(2027), Some(date(2027, 3, 29)));
        for y in [2025, 2026, 2027] {
            let monday = easter_monday(y).expect("a date");
            assert!(is_italian_public_holiday(monday), "{monday}");
            assert!(!is_italian_public_holiday(
                monday.succ_opt().expect("a date")
            ));
        }
    }

    #[test]
    fn the_italian_holidays_of_2026() {
        let expected = [
            date(2026, 1, 1),
            date(2026, 1, 6),
            date(2026, 4, 5),
            date(2026, 4, 6),
            date(2026, 4, 25),
            date(2026, 5, 1),
            date(2026, 6, 2),
            date(2026, 8, 15),
            date(2026, 11, 1),
            date(2026, 12, 8),
            date(2026, 12, 25),
            date(2026, 12, 26),
        ];
        assert_eq!(italian_public_holidays(2026), expected);
        for day in expected {
            assert!(is_italian_public_holiday(day), "{day}");
        }
        for ordinary in [date(2026, 12, 24), date(2026, 4, 7), date(2026, 6, 3)] {
            assert!(!is_italian_public_holiday(ordinary), "{ordinary}");
        }
    }

    #[test]
    fn extra_holidays_parse_display_and_apply() {
        let patron: ExtraHoliday = "12-07".parse().expect("MM-DD");
        assert_eq!(patron, ExtraHoliday::EveryYear { month: 12, day: 7 });
        assert_eq!(patron.to_string(), "12-07");
        assert!(patron.falls_on(date(2026, 12, 7)));
        assert!(patron.falls_on(date(2031, 12, 7)));
        let bridge: ExtraHoliday = " 2026-12-24 ".parse().expect("a date");
        assert_eq!(bridge.to_string(), "2026-12-24");
        assert!(bridge.falls_on(date(2026, 12, 24)));
        assert!(!bridge.falls_on(date(2027, 12, 24)));
        let leap: ExtraHoliday = "02-29".parse().expect("leap day");
        assert_eq!(leap.in_year(2028), Some(date(2028, 2, 29)));
        assert_eq!(leap.in_year(2027), None);

        for bad in [
            "",
            "7/12",
            "12-7",
            "13-01",
            "02-30",
            "2026-02-30",
            "26-12-07",
            "1-2-3",
        ] {
            let err = bad.parse::<ExtraHoliday>().expect_err(bad);
            assert!(err.contains("holiday"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn holidays_combine_national_and_extra_days() {
        let milan = Holidays::italian_plus(vec![
            ExtraHoliday::EveryYear { month: 12, day: 7 },
            ExtraHoliday::Once(date(2026, 12, 24)),
            // Already a national holiday: listed once.
            ExtraHoliday::EveryYear { month: 12, day: 8 },
        ]);
        assert!(milan.is_holiday(date(2026, 12, 7)));
        assert!(milan.is_holiday(date(2026, 12, 24)));
        assert!(milan.is_holiday(date(2026, 4, 6)));
        assert!(!milan.is_holiday(date(2027, 12, 24)));
        let year = milan.of_year(2026);
        assert_eq!(year.len(), 14);
        assert!(year.windows(2).all(|w| w[0] < w[1]));
        let none = Holidays::default();
        assert!(!none.is_holiday(date(2026, 12, 25)));
        assert!(none.of_year(2026).is_empty());
    }
}
