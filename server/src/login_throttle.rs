//! Sign-in throttling: after a few wrong passwords in a row, sign-in is locked for a while, and
//! each further failure doubles the wait (up to a maximum).
//!
//! Counted separately per sign-in address and per client IP address, so guessing one account's
//! password from many machines and trying many accounts from one machine are both slowed down.
//! A client IP may fail [`IP_FACTOR`] times as often as one address before it is locked (an
//! office behind one NAT address signs in from one IP). A success clears the address's count,
//! not the IP's (else one valid account would let a guesser reset their IP's count); counts are
//! forgotten after a quiet period as long as the longest lockout.
//!
//! Plain data and functions of `now`; the web layer keeps one [`LoginThrottle`] in memory (a
//! restart forgets the counts, which only ever errs on the side of letting a user in).

use std::collections::HashMap;
use std::net::IpAddr;

/// How many times more failures a client IP may have than one address.
pub const IP_FACTOR: u32 = 4;
/// Most keys remembered; beyond it the oldest quiet ones are forgotten first.
const MAX_KEYS: usize = 100_000;

/// The knobs, from `[web]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures in a row (per address) before the first lockout.
    pub max_failures: u32,
    /// The first lockout, in milliseconds.
    pub first_lockout_ms: i64,
    /// The longest lockout, in milliseconds; also how long a quiet key is remembered.
    pub max_lockout_ms: i64,
}

impl ThrottlePolicy {
    /// From the `[web]` section.
    pub fn from_config(web: &crate::config::web::WebConfig) -> Self {
        let secs = |s: u64| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX);
        ThrottlePolicy {
            max_failures: web.login_max_failures.max(1),
            first_lockout_ms: secs(web.login_lockout_secs),
            max_lockout_ms: secs(web.login_max_lockout_secs),
        }
    }

    /// How long a key is locked after its `failures`-th failure in a row with this
    /// `threshold`: nothing before the threshold, then the first lockout, doubled per further
    /// failure, capped.
    pub fn lockout_after(&self, failures: u32, threshold: u32) -> i64 {
        if failures < threshold {
            return 0;
        }
        let doublings = (failures - threshold).min(40);
        self.first_lockout_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_lockout_ms)
    }
}

/// What is throttled: a sign-in address or a client IP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// A sign-in address (lower-case).
    Address(String),
    /// A client IP address.
    Ip(IpAddr),
}

/// The keys of one sign-in attempt.
pub fn keys_for(email: &str, ip: Option<IpAddr>) -> Vec<ThrottleKey> {
    let mut keys = vec![ThrottleKey::Address(crate::accounts::normalise_email(
        email,
    ))];
    keys.extend(ip.map(ThrottleKey::Ip));
    keys
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Failures {
    count: u32,
    last_failure_ms: i64,
    locked_until_ms: i64,
}

/// The failure counts.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    failures: HashMap<ThrottleKey, Failures>,
}

impl LoginThrottle {
    /// No failures yet.
    pub fn new(policy: ThrottlePolicy) -> Self {
        LoginThrottle {
            policy,
            failures: HashMap::new(),
        }
    }

    fn threshold(&self, key: &ThrottleKey) -> u32 {
        match key {
            ThrottleKey::Address(_) => self.policy.max_failures,
            ThrottleKey::Ip(_) => self.policy.max_failures.saturating_mul(IP_FACTOR),
        }
    }

    /// The entry of `key` as it stands at `now` (a quiet one is forgotten).
    fn current(&self, key: &ThrottleKey, now: i64) -> Option<Failures> {
        self.failures
            .get(key)
            .copied()
            .filter(|f| now - f.last_failure_ms < self.policy.max_lockout_ms.max(1))
    }

    /// Until when sign-in is locked for any of `keys` at `now`, if it is. A locked attempt is
    /// refused without looking at the password.
    pub fn locked_until(&self, keys: &[ThrottleKey], now: i64) -> Option<i64> {
        keys.iter()
            .filter_map(|key| self.current(key, now))
            .map(|f| f.locked_until_ms)
            .filter(|until| *until > now)
            .max()
    }

    /// Counts a failed attempt for each key; returns until when sign-in is now locked, if it is.
    pub fn failure(&mut self, keys: &[ThrottleKey], now: i64) -> Option<i64> {
        if self.failures.len() >= MAX_KEYS {
            self.prune(now);
        }
        for key in keys {
            let threshold = self.threshold(key);
            let mut entry = self.current(key, now).unwrap_or(Failures {
                count: 0,
                last_failure_ms: now,
                locked_until_ms: 0,
            });
            entry.count = entry.count.saturating_add(1);
            entry.last_failure_ms = now;
            let lockout = self.policy.lockout_after(entry.count, threshold);
            if lockout > 0 {
                entry.locked_until_ms = now.saturating_add(lockout);
            }
            self.failures.insert(key.clone(), entry);
        }
        self.locked_until(keys, now)
    }

    /// A successful sign-in: the address's count starts over (the IP's does not).
    pub fn success(&mut self, keys: &[ThrottleKey]) {
        for key in keys {
            if matches!(key, ThrottleKey::Address(_)) {
                self.failures.remove(key);
            }
        }
    }

    /// Forgets keys quiet for longer than the longest lockout; if still too many, the quietest.
    pub fn prune(&mut self, now: i64) {
        let keep_for = self.policy.max_lockout_ms.max(1);
        self.failures
            .retain(|_, f| now - f.last_failure_ms < keep_for || f.locked_until_ms > now);
        if self.failures.len() >= MAX_KEYS {
            let mut ages: Vec<i64> = self.failures.values().map(|f| f.last_failure_ms).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            self.failures.retain(|_, f| f.last_failure_ms > cutoff);
        }
    }

    /// How many keys are remembered (for tests and metrics).
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i64 = 1000;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures: 3,
            first_lockout_ms: 60 * SEC,
            max_lockout_ms: 3600 * SEC,
        }
    }

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([192, 0, 2, last]))
    }

    #[test]
    fn the_lockout_starts_at_the_threshold_and_doubles_up_to_the_cap() {
        let p = policy();
        assert_eq!(p.lockout_after(2, 3), 0);
        assert_eq!(p.lockout_after(3, 3), 60 * SEC);
        assert_eq!(p.lockout_after(4, 3), 120 * SEC);
        assert_eq!(p.lockout_after(5, 3), 240 * SEC);
        assert_eq!(p.lockout_after(30, 3), 3600 * SEC);
        assert_eq!(p.lockout_after(u32::MAX, 3), 3600 * SEC);
    }

    #[test]
    fn an_address_is_locked_after_the_allowed_failures_whatever_the_ip() {
        let mut t = LoginThrottle::new(policy());
        let now = 1_000_000;
        assert_eq!(t.failure(&keys_for("mario@acme.it", ip(1)), now), None);
        assert_eq!(
            t.failure(&keys_for("Mario@Acme.it", ip(2)), now + SEC),
            None
        );
        assert_eq!(
            t.failure(&keys_for("mario@acme.it", ip(3)), now + 2 * SEC),
            Some(now + 62 * SEC)
        );
        // From a fourth machine too: the address is what is locked.
        assert_eq!(
            t.locked_until(&keys_for("mario@acme.it", ip(4)), now + 3 * SEC),
            Some(now + 62 * SEC)
        );
        // Another address from a fresh machine is not.
        assert_eq!(
            t.locked_until(&keys_for("anna@acme.it", ip(5)), now + 3 * SEC),
            None
        );
        // After the lockout, one more failure locks again, twice as long.
        let later = now + 63 * SEC;
        assert_eq!(
            t.locked_until(&keys_for("mario@acme.it", ip(1)), later),
            None
        );
        assert_eq!(
            t.failure(&keys_for("mario@acme.it", ip(1)), later),
            Some(later + 120 * SEC)
        );
    }

    #[test]
    fn one_ip_trying_many_addresses_is_locked_at_four_times_the_threshold() {
        let mut t = LoginThrottle::new(policy());
        let now = 5_000_000;
        for i in 0..11 {
            let locked = t.failure(&keys_for(&format!("user{i}@acme.it"), ip(9)), now + i);
            assert_eq!(locked, None, "attempt {i}");
        }
        assert!(
            t.failure(&keys_for("user11@acme.it", ip(9)), now + 11)
                .is_some()
        );
        assert!(
            t.locked_until(&keys_for("someone@else.it", ip(9)), now + 12)
                .is_some()
        );
        assert!(
            t.locked_until(&keys_for("someone@else.it", ip(8)), now + 12)
                .is_none()
        );
    }

    #[test]
    fn success_clears_the_address_but_not_the_ip() {
        let mut t = LoginThrottle::new(policy());
        let keys = keys_for("mario@acme.it", ip(1));
        t.failure(&keys, 0);
        t.failure(&keys, 1);
        t.success(&keys);
        // Two more failures are allowed again for the address before its lockout.
        assert_eq!(t.failure(&keys, 2), None);
        assert_eq!(t.failure(&keys, 3), None);
        assert!(t.failure(&keys, 4).is_some());
        // The IP's count went on: 5 failures of 12 allowed.
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn quiet_keys_are_forgotten() {
        let mut t = LoginThrottle::new(policy());
        let keys = keys_for("mario@acme.it", None);
        t.failure(&keys, 0);
        t.failure(&keys, 1);
        // An hour of quiet: the two old failures no longer count.
        let later = 3600 * SEC + 10;
        assert_eq!(t.failure(&keys, later), None);
        assert_eq!(t.failure(&keys, later + 1), None);
        assert!(t.failure(&keys, later + 2).is_some());
        t.prune(later + 2 + 2 * 3600 * SEC);
        assert!(t.is_empty());
    }
}
