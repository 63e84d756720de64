//! When a draft that could not be sent is tried again.
//!
//! Quick at first (the laptop was just reconnecting to the Wi-Fi), then slower, capped at an
//! hour so a draft written on a train still leaves within the hour after arrival. The tray
//! also retries at once when the user clicks "N ticket in attesa di invio".

use chrono::{DateTime, Duration, Utc};

/// Waits after the 1st, 2nd, … failed attempt; the last one repeats.
const SCHEDULE_SECONDS: [i64; 7] = [15, 60, 120, 300, 900, 1800, 3600];

/// How long to wait after `failed_attempts` failures (1 = the first failure).
pub fn delay_after(failed_attempts: u32) -> Duration {
    let index = (failed_attempts.max(1) as usize - 1).min(SCHEDULE_SECONDS.len() - 1);
    Duration::seconds(SCHEDULE_SECONDS[index])
}

/// When to try again after the `failed_attempts`-th failure at `failed_at`.
pub fn next_attempt(failed_attempts: u32, failed_at: DateTime<Utc>) -> DateTime<Utc> {
    failed_at + delay_after(failed_attempts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stay_at_one_hour() {
        let seconds: Vec<i64> = (1..=9).map(|n| delay_after(n).num_seconds()).collect();
        assert_eq!(seconds, [15, 60, 120, 300, 900, 1800, 3600, 3600, 3600]);
        assert_eq!(
            delay_after(0),
            delay_after(1),
            "0 is read as the first failure"
        );
    }

    #[test]
    fn next_attempt_counts_from_the_failure() {
        let failed_at = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        assert_eq!(
            next_attempt(2, failed_at).to_rfc3339(),
            "2026-11-26T12:01:00+00:00"
        );
    }
}
