//! Delivering the outbox (feature E5): due mails go to the transport; failures are retried with
//! exponential backoff and jitter; permanent failures and exhausted retries are recorded on the
//! mail, where `ticket show` displays them.

use std::future::Future;
use std::time::Duration;

use crate::store::{DueMail, Store, StoreError};

/// A transport's verdict on one delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Try again later (connection refused, 4xx, disk full…).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Retrying will not help (5xx, invalid recipient…).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Something that delivers rendered mail.
pub trait Transport: Send + Sync {
    /// Delivers one mail.
    fn deliver(&self, mail: &DueMail) -> impl Future<Output = Result<(), DeliveryError>> + Send;

    /// True when delivering the same mail twice has the effect of delivering it once (a file
    /// named by Message-ID). Then successes are recorded once per round instead of once per
    /// mail; otherwise each is recorded before the next send, so a crash repeats at most one.
    fn redelivery_is_harmless(&self) -> bool {
        false
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub initial: Duration,
    pub max: Duration,
    pub max_attempts: u32,
}

/// The wait before attempt `attempts + 1`, after `attempts` failures (>= 1): the initial delay
/// doubled per failure, capped, plus up to 25 % jitter so that many mails failing together do
/// not retry in lockstep. `jitter` is in [0, 1).
pub fn backoff(policy: &RetryPolicy, attempts: u32, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let base = policy
        .initial
        .saturating_mul(1u32 << exponent)
        .min(policy.max);
    base + base.mul_f64(0.25 * jitter.clamp(0.0, 1.0))
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryStats {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

/// Delivers every mail due at `now_ms`, in batches, until none is left due.
pub async fn deliver_due<S: Store, T: Transport>(
    store: &S,
    transport: &T,
    policy: &RetryPolicy,
    now_ms: impl Fn() -> i64,
) -> Result<DeliveryStats, StoreError> {
    const BATCH: u32 = 100;
    let mut stats = DeliveryStats::default();
    loop {
        let now = now_ms();
        let due = store.due_outbound(now, BATCH).await?;
        if due.is_empty() {
            return Ok(stats);
        }
        let batch_marks = transport.redelivery_is_harmless();
        let mut delivered = Vec::new();
        for mail in &due {
            let attempts = mail.attempts.saturating_add(1);
            match transport.deliver(mail).await {
                Ok(()) => {
                    if batch_marks {
                        delivered.push(mail.id);
                    } else {
                        store.mark_sent(&[mail.id], now_ms()).await?;
                    }
                    stats.sent += 1;
                    tracing::info!(message_id = %mail.message_id, recipient = %mail.recipient, "delivered");
                }
                Err(DeliveryError::Permanent(error)) => {
                    store.mark_failed(mail.id, attempts, &error).await?;
                    stats.failed += 1;
                    tracing::warn!(message_id = %mail.message_id, %error, "delivery failed permanently");
                }
                Err(DeliveryError::Transient(error)) if attempts >= policy.max_attempts => {
                    let error = format!("gave up after {attempts} attempts: {error}");
                    store.mark_failed(mail.id, attempts, &error).await?;
                    stats.failed += 1;
                    tracing::warn!(message_id = %mail.message_id, %error, "delivery abandoned");
                }
                Err(DeliveryError::Transient(error)) => {
                    let wait = backoff(policy, attempts, rand::random::<f64>());
                    let next = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
                    store.mark_retry(mail.id, attempts, next, &error).await?;
                    stats.retried += 1;
                    tracing::warn!(message_id = %mail.message_id, %error, retry_in = ?wait, "delivery deferred");
                }
            }
        }
        if !delivered.is_empty() {
            store.mark_sent(&delivered, now_ms()).await?;
        }
        // A short batch was everything due; what failed now waits for its backoff.
        if (due.len() as u32) < BATCH {
            return Ok(stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            max_attempts: 12,
        }
    }

    #[test]
    fn backoff_doubles_then_caps() {
        let p = policy();
        assert_eq!(backoff(&p, 1, 0.0), Duration::from_secs(30));
        assert_eq!(backoff(&p, 2, 0.0), Duration::from_secs(60));
        assert_eq!(backoff(&p, 5, 0.0), Duration::from_secs(480));
        assert_eq!(backoff(&p, 8, 0.0), Duration::from_secs(3600));
        assert_eq!(backoff(&p, 200, 0.0), Duration::from_secs(3600));
    }

    #[test]
    fn jitter_adds_at_most_a_quarter() {
        let p = policy();
        assert_eq!(backoff(&p, 1, 0.999_999).as_secs(), 37);
        assert_eq!(backoff(&p, 1, 7.0), Duration::from_millis(37_500));
        assert_eq!(backoff(&p, 1, -1.0), Duration::from_secs(30));
    }
}
