//! Byte sizes written the way people write them: `52428800`, `"50 MiB"`, `"25MB"`, `"512 KiB"`.
//!
//! Admins copy limits from their mail server's documentation, which mixes SI (`MB` = 10^6) and
//! IEC (`MiB` = 2^20) units, so both are accepted and taken literally. Unit names are
//! case-insensitive (nobody means "megabit" in a mail size limit).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Units accepted after the number, with their multiplier. Longest names first is not needed:
/// the unit is matched as a whole word after the number.
const UNITS: &[(&str, u64)] = &[
    ("", 1),
    ("b", 1),
    ("byte", 1),
    ("bytes", 1),
    ("k", 1_000),
    ("kb", 1_000),
    ("m", 1_000_000),
    ("mb", 1_000_000),
    ("g", 1_000_000_000),
    ("gb", 1_000_000_000),
    ("t", 1_000_000_000_000),
    ("tb", 1_000_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
];

/// Parses a size such as `"50 MiB"`, `"25MB"`, `"1.5 GiB"` or `"1048576"` into bytes.
///
/// The number may have `_` separators and a decimal fraction (the result is rounded down to
/// whole bytes). The error is a short English reason suitable for a config problem.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("empty size (expected e.g. 52428800, \"50 MiB\" or \"25 MB\")".to_string());
    }
    let number_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(number_end);
    let unit = unit.trim();
    let invalid = || {
        format!(
            "invalid size {text:?} (expected a number of bytes or a number with a unit: \
             B, KB, MB, GB, KiB, MiB, GiB, e.g. \"50 MiB\")"
        )
    };
    let number: String = number.chars().filter(|&c| c != '_').collect();
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(invalid());
    }
    let multiplier = UNITS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|&(_, m)| m)
        .ok_or_else(invalid)?;
    let (int_part, frac_part) = match number.split_once('.') {
        Some((i, f)) if !f.contains('.') => (i, f),
        Some(_) => return Err(invalid()),
        None => (number.as_str(), ""),
    };
    let too_large = || format!("size {text:?} is too large");
    let int: u128 = int_part.parse().map_err(|_| too_large())?;
    let mut bytes = int
        .checked_mul(u128::from(multiplier))
        .ok_or_else(too_large)?;
    if !frac_part.is_empty() {
        // More than 18 fractional digits cannot change the byte count of any u64 multiplier in a
        // way anyone cares about; cutting them keeps 10^digits inside u128.
        let frac_digits = &frac_part[..frac_part.len().min(18)];
        let frac: u128 = frac_digits.parse().map_err(|_| invalid())?;
        let scale = 10u128.pow(frac_digits.len() as u32);
        bytes += frac * u128::from(multiplier) / scale;
    }
    u64::try_from(bytes).map_err(|_| too_large())
}

/// A byte count the way [`parse_size`] reads it back: `"25 MiB"` when it is a whole number of
/// GiB, MiB or KiB, else `"1234 bytes"`.
pub fn format_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

/// Serde helper: deserialises a size from an integer or a string with a unit (see [`parse_size`]).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(SizeVisitor)
}

struct SizeVisitor;

impl Visitor<'_> for SizeVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a size in bytes, or a string such as \"50 MiB\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("size must not be negative (got {v})")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse_size(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn size_parsing_table() {
        let ok: &[(&str, u64)] = &[
            ("0", 0),
            ("1048576", 1_048_576),
            ("52_428_800", 52_428_800),
            ("50 MiB", 50 * 1024 * 1024),
            ("50MiB", 50 * 1024 * 1024),
            ("50 mib", 50 * 1024 * 1024),
            ("25MB", 25_000_000),
            ("25 mb", 25_000_000),
            ("25M", 25_000_000),
            ("512 KiB", 512 * 1024),
            ("512 KB", 512_000),
            ("512k", 512_000),
            ("1 GiB", 1 << 30),
            ("2 GB", 2_000_000_000),
            ("1 TiB", 1 << 40),
            ("1.5 KiB", 1536),
            ("0.5 MB", 500_000),
            ("100 B", 100),
            ("100 bytes", 100),
            ("  7 MiB  ", 7 * 1024 * 1024),
        ];
        for &(text, expected) in ok {
            assert_eq!(parse_size(text), Ok(expected), "parsing {text:?}");
        }
        let bad = [
            "",
            "abc",
            "MiB",
            "10 XB",
            "1.2.3 MB",
            ".5 MB",
            "5. MB",
            "-5 MB",
            "5 MiB extra",
            "ten MB",
        ];
        for text in bad {
            let err = parse_size(text).expect_err(text);
            assert!(
                err.contains("size"),
                "reason for {text:?} should say what was expected: {err}"
            );
        }
        assert!(
            parse_size("99999999999999999999 TiB")
                .unwrap_err()
                .contains("too large")
        );
        assert!(
            parse_size("20000000 TiB")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn formatted_sizes_parse_back() {
        for (bytes, text) in [
            (25 * 1024 * 1024, "25 MiB"),
            (1 << 30, "1 GiB"),
            (512 * 1024, "512 KiB"),
            (1000, "1000 bytes"),
            (0, "0 bytes"),
        ] {
            assert_eq!(super::format_size(bytes), text);
            assert_eq!(parse_size(text), Ok(bytes));
        }
    }

    #[test]
    fn invalid_reason_names_the_units() {
        let err = parse_size("abc").unwrap_err();
        assert!(err.contains("\"abc\""), "{err}");
        assert!(err.contains("MiB"), "{err}");
    }
}
