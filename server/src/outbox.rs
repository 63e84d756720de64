//! Delivering the outbox (feature E5): due mails go to the transport; failures are retried with
//! exponential backoff and jitter; permanent failures and exhausted retries are recorded on the
//! mail, where `ticket show` displays them.
//!
//! # Never twice: the delivery lease
//!
//! A mail enters the outbox in the same transaction as what caused it, so it is never lost; the
//! question is how to keep a crash from sending it twice. Marking it sent *before* sending would
//! lose it when the process dies mid-send; marking it *after* would resend it. Recipients' servers
//! do not drop a second copy by Message-ID, so an idempotent Message-ID alone does not stop the
//! customer from getting two acknowledgements.
//!
//! For transports where a second delivery is not harmless (an SMTP relay forwards every copy),
//! each mail is therefore **claimed** before it is sent, in one short write: status `sending`, a
//! lease until now + the transport's longest possible send ([`Transport::delivery_lease`]), and
//! the attempt counted. Right after the relay's 250 it is marked `sent`; on a failure it goes
//! back to `pending` with a backoff, or to `failed`. While the lease runs, nobody else takes the
//! mail: not the `ingest` command an MTA runs next to the server, not a second server process
//! (later: several instances on one PostgreSQL). A mail still `sending` after its lease ran out
//! belongs to a process that died mid-send, and is sent again.
//!
//! That retry is the only way to a duplicate. Recording `sent` waits for the single database
//! writer, which an ingest batch may hold for tens of milliseconds, so each accepted id is first
//! noted in an append-only journal ([`crate::sent_journal`]) that survives a kill and is replayed
//! by the next round. What remains is the relay's side: a crash after the relay committed the
//! message but before its 250 reached us, which no SMTP client can tell from a lost message
//! (RFC 1047); with several sends in flight, each of them can be resent once. The copy then carries the same Message-ID, which mail clients and
//! deduplicating mail stores collapse into one. We prefer that rare, recognisable duplicate to a
//! lost acknowledgement. A transport for which a second delivery changes nothing (the spool, a
//! file named by Message-ID) skips the claim and records its successes once per round.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;

use crate::sent_journal::SentJournal;
use crate::store::{DueMail, Store, StoreError};

/// A transport's verdict on one delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Try again later (4xx for this mail, disk full…).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Retrying will not help (5xx, invalid recipient…).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The transport itself cannot be reached (connection refused or timed out, the relay
    /// closing with 421, our login refused): retried like [`DeliveryError::Transient`], and the
    /// rest of the round is deferred with the same error instead of each mail waiting for its
    /// own timeout. An MTA pipe running `ingest` must not hang on a dead relay.
    #[error("transport unavailable: {0}")]
    Unavailable(String),
}

/// Something that delivers rendered mail.
pub trait Transport: Send + Sync {
    /// Delivers one mail.
    fn deliver(&self, mail: &DueMail) -> impl Future<Output = Result<(), DeliveryError>> + Send;

    /// True when delivering the same mail twice has the effect of delivering it once (a file
    /// named by Message-ID). Then mails are not claimed before sending and successes are
    /// recorded once per round; otherwise each mail is claimed with a delivery lease before it
    /// is sent and recorded right after (see the module documentation).
    fn redelivery_is_harmless(&self) -> bool {
        false
    }

    /// How long a claimed mail stays reserved for the process sending it: longer than one
    /// [`Transport::deliver`] can ever take, plus time to record the result. If it were shorter,
    /// another process could send the mail while this one still is.
    fn delivery_lease(&self) -> Duration {
        Duration::from_secs(300)
    }

    /// How many mails may be in flight at once (claimed transports only).
    fn parallel_sends(&self) -> usize {
        1
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

/// What became of one mail in a round.
enum Verdict {
    /// Delivered; with harmless redelivery, its id still has to be recorded.
    Sent {
        record_later: Option<i64>,
    },
    Retried,
    Failed,
    /// Claimed by another process meanwhile.
    Skipped,
}

/// Delivers every mail due at `now_ms`, in batches, until none is left due.
///
/// Mails claimed by another process (its lease still running) are left alone; a mail whose
/// lease ran out is taken over (see the module documentation). Transports that claim mails
/// send several at once ([`Transport::parallel_sends`]): a relay answers each command within a
/// round trip, and one mail after the other would leave a burst of acknowledgements waiting on
/// the round trips of those before it.
pub async fn deliver_due<S: Store, T: Transport>(
    store: &S,
    transport: &T,
    policy: &RetryPolicy,
    now_ms: impl Fn() -> i64,
) -> Result<DeliveryStats, StoreError> {
    deliver(store, transport, policy, now_ms, None).await
}

/// [`deliver_due`] noting each accepted mail in `journal` the instant the relay took it, and
/// first recording as sent whatever an earlier (crashed) round noted there.
pub async fn deliver_due_journaled<S: Store, T: Transport>(
    store: &S,
    transport: &T,
    policy: &RetryPolicy,
    now_ms: impl Fn() -> i64,
    journal: &SentJournal,
) -> Result<DeliveryStats, StoreError> {
    match journal.noted() {
        Ok(ids) if !ids.is_empty() => {
            store.mark_sent(&ids, now_ms()).await?;
            if let Err(error) = journal.clear() {
                tracing::warn!(%error, "cannot clear the delivery journal");
            }
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "cannot read the delivery journal"),
    }
    deliver(store, transport, policy, now_ms, Some(journal)).await
}

async fn deliver<S: Store, T: Transport>(
    store: &S,
    transport: &T,
    policy: &RetryPolicy,
    now_ms: impl Fn() -> i64,
    journal: Option<&SentJournal>,
) -> Result<DeliveryStats, StoreError> {
    const BATCH: u32 = 100;
    let round = Round {
        journal,
        store,
        transport,
        policy,
        now_ms: &now_ms,
        batch_marks: transport.redelivery_is_harmless(),
        lease: i64::try_from(transport.delivery_lease().as_millis()).unwrap_or(i64::MAX / 4),
        unavailable: std::sync::Mutex::new(None),
    };
    let parallel = if round.batch_marks {
        1
    } else {
        transport.parallel_sends().max(1)
    };
    let mut stats = DeliveryStats::default();
    loop {
        let due = store.due_outbound(now_ms(), BATCH).await?;
        if due.is_empty() {
            return Ok(stats);
        }
        // Built into a Vec first: a closure inside the stream would make the future's type
        // higher-ranked over the mail's lifetime, which the compiler cannot prove Send.
        let sends: Vec<_> = due.iter().map(|mail| round.deliver_one(mail)).collect();
        let verdicts: Vec<Result<Verdict, StoreError>> = futures::stream::iter(sends)
            .buffer_unordered(parallel)
            .collect()
            .await;
        let mut delivered = Vec::new();
        for verdict in verdicts {
            match verdict? {
                Verdict::Sent { record_later } => {
                    stats.sent += 1;
                    delivered.extend(record_later);
                }
                Verdict::Retried => stats.retried += 1,
                Verdict::Failed => stats.failed += 1,
                Verdict::Skipped => {}
            }
        }
        if !delivered.is_empty() {
            store.mark_sent(&delivered, now_ms()).await?;
        }
        // A short batch was everything due; what failed now waits for its backoff. After the
        // transport turned out unreachable, the next batch would fare no better.
        let unavailable = round
            .unavailable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some();
        if (due.len() as u32) < BATCH || unavailable {
            return Ok(stats);
        }
    }
}

/// One delivery round's settings and shared state.
struct Round<'a, S, T, N> {
    store: &'a S,
    transport: &'a T,
    policy: &'a RetryPolicy,
    now_ms: &'a N,
    batch_marks: bool,
    /// Where an accepted mail is noted before the database records it (claiming transports).
    journal: Option<&'a SentJournal>,
    lease: i64,
    /// Set once the transport reports itself unreachable: the rest of the round is deferred
    /// with that error, without waiting on the transport once per mail.
    unavailable: std::sync::Mutex<Option<String>>,
}

impl<S: Store, T: Transport, N: Fn() -> i64> Round<'_, S, T, N> {
    async fn deliver_one(&self, mail: &DueMail) -> Result<Verdict, StoreError> {
        let (store, policy) = (self.store, self.policy);
        let now_ms = self.now_ms;
        let mut attempts = if self.batch_marks {
            mail.attempts.saturating_add(1)
        } else {
            let now = now_ms();
            match store
                .claim(mail.id, now, now.saturating_add(self.lease))
                .await?
            {
                Some(attempts) => attempts,
                None => {
                    tracing::debug!(message_id = %mail.message_id, "claimed by another process");
                    return Ok(Verdict::Skipped);
                }
            }
        };
        let already_unavailable = self
            .unavailable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let result = if let Some(error) = already_unavailable {
            Err(DeliveryError::Transient(error))
        } else if !self.batch_marks && attempts > policy.max_attempts {
            // Only a mail whose last allowed attempt was cut short by a crash gets here: the
            // relay may or may not have taken it, and its attempts are spent. This claim
            // sends nothing, so it does not count.
            attempts -= 1;
            Err(DeliveryError::Permanent(format!(
                "gave up after {attempts} attempts; the last was interrupted (the server \
                 stopped while sending), so the mail may or may not have been delivered"
            )))
        } else {
            self.transport.deliver(mail).await
        };
        let error = match result {
            Ok(()) => {
                let now = now_ms();
                let record_later = if self.batch_marks {
                    Some(mail.id)
                } else {
                    if let Some(journal) = self.journal {
                        journal.record(mail.id);
                    }
                    record_sent(store, mail.id, now).await?;
                    None
                };
                metrics::counter!("ppdesk_deliveries_total").increment(1);
                if mail.kind == "acknowledgement" {
                    metrics::histogram!("ppdesk_acknowledgement_latency_seconds")
                        .record((now - mail.created_at).max(0) as f64 / 1000.0);
                }
                tracing::info!(message_id = %mail.message_id, recipient = %mail.recipient, "delivered");
                return Ok(Verdict::Sent { record_later });
            }
            Err(DeliveryError::Permanent(error)) => {
                metrics::counter!("ppdesk_delivery_failures_total", "kind" => "permanent")
                    .increment(1);
                store.mark_failed(mail.id, attempts, &error).await?;
                tracing::warn!(message_id = %mail.message_id, %error, "delivery failed permanently");
                return Ok(Verdict::Failed);
            }
            Err(DeliveryError::Transient(error)) => error,
            Err(DeliveryError::Unavailable(error)) => {
                *self
                    .unavailable
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(error.clone());
                error
            }
        };
        metrics::counter!("ppdesk_delivery_failures_total", "kind" => "transient").increment(1);
        if attempts >= policy.max_attempts {
            let error = format!("gave up after {attempts} attempts: {error}");
            store.mark_failed(mail.id, attempts, &error).await?;
            tracing::warn!(message_id = %mail.message_id, %error, "delivery abandoned");
            Ok(Verdict::Failed)
        } else {
            let wait = backoff(policy, attempts, rand::random::<f64>());
            let next = now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
            store.mark_retry(mail.id, attempts, next, &error).await?;
            tracing::warn!(message_id = %mail.message_id, %error, retry_in = ?wait, "delivery deferred");
            Ok(Verdict::Retried)
        }
    }
}

/// Records a claimed mail as sent. The relay has it now: a lost write here would let the lease
/// run out and the mail go out again, so a busy database is given a few more tries.
async fn record_sent<S: Store>(store: &S, id: i64, at: i64) -> Result<(), StoreError> {
    let mut tries = 0;
    loop {
        match store.mark_sent(&[id], at).await {
            Err(e) if e.is_transient() && tries < 3 => {
                tries += 1;
                tracing::warn!(error = %e, "recording a delivery failed; trying again");
                tokio::time::sleep(Duration::from_millis(200 * tries)).await;
            }
            result => return result,
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

    // ---- the delivery lease, over the real SQLite store ----

    use std::sync::Mutex;

    use crate::store::sqlite::SqliteStore;
    use crate::store::{NewOutbound, StoreTx};

    /// A store in a temp dir with `n` mails queued at t = 1000 ms; their ids.
    async fn store_with(n: usize) -> (tempfile::TempDir, SqliteStore, Vec<i64>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(&dir.path().join("db.sqlite3"), 1)
            .await
            .expect("open");
        let mut tx = store.begin().await.expect("begin");
        for i in 0..n {
            tx.enqueue(&NewOutbound {
                ticket: None,
                kind: "acknowledgement",
                recipient: format!("customer{i}@acme.test"),
                message_id: format!("ppdesk.{i}@ppdesk.test"),
                raw: format!("Subject: {i}\r\n\r\nbody\r\n").into_bytes(),
                created_at: 1_000,
            })
            .await
            .expect("enqueue");
        }
        tx.commit().await.expect("commit");
        let ids = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
            .fetch_all(store.pool())
            .await
            .expect("ids");
        (dir, store, ids)
    }

    #[derive(Debug, PartialEq, Eq)]
    struct Row {
        status: String,
        attempts: i64,
        lease_until: Option<i64>,
        last_error: Option<String>,
    }

    async fn row(store: &SqliteStore, id: i64) -> Row {
        let (status, attempts, lease_until, last_error) = sqlx::query_as(
            "SELECT status, attempts, lease_until, last_error FROM outbox WHERE id = ?1",
        )
        .bind(id)
        .fetch_one(store.pool())
        .await
        .expect("row");
        Row {
            status,
            attempts,
            lease_until,
            last_error,
        }
    }

    /// A relay stand-in: records what it was given and answers with `verdict`. Unless it says
    /// redelivery is harmless, it checks the mail was claimed before it got it.
    struct FakeRelay {
        store: SqliteStore,
        harmless: bool,
        pause: Duration,
        verdict: fn(&DueMail) -> Result<(), DeliveryError>,
        sent: Mutex<Vec<String>>,
    }

    impl FakeRelay {
        fn new(store: &SqliteStore, verdict: fn(&DueMail) -> Result<(), DeliveryError>) -> Self {
            FakeRelay {
                store: store.clone(),
                harmless: false,
                pause: Duration::ZERO,
                verdict,
                sent: Mutex::new(Vec::new()),
            }
        }

        fn sent(&self) -> Vec<String> {
            self.sent.lock().expect("lock").clone()
        }
    }

    impl Transport for FakeRelay {
        fn redelivery_is_harmless(&self) -> bool {
            self.harmless
        }

        fn delivery_lease(&self) -> Duration {
            Duration::from_secs(60)
        }

        async fn deliver(&self, mail: &DueMail) -> Result<(), DeliveryError> {
            let status = row(&self.store, mail.id).await.status;
            let expected = if self.harmless { "pending" } else { "sending" };
            assert_eq!(status, expected, "{}", mail.message_id);
            self.sent
                .lock()
                .expect("lock")
                .push(mail.message_id.clone());
            if !self.pause.is_zero() {
                tokio::time::sleep(self.pause).await;
            }
            (self.verdict)(mail)
        }
    }

    fn accepted(_: &DueMail) -> Result<(), DeliveryError> {
        Ok(())
    }

    #[tokio::test]
    async fn the_lease_decides_what_is_due() {
        let (_dir, store, ids) = store_with(1).await;
        let id = ids[0];
        assert_eq!(store.due_outbound(1_000, 10).await.expect("due").len(), 1);
        assert_eq!(
            store.claim(id, 1_000, 61_000).await.expect("claim"),
            Some(1)
        );
        let claimed = row(&store, id).await;
        assert_eq!(
            (claimed.status.as_str(), claimed.lease_until),
            ("sending", Some(61_000))
        );

        // While the lease runs the mail is nobody else's: not due, not claimable.
        assert!(
            store
                .due_outbound(60_999, 10)
                .await
                .expect("due")
                .is_empty()
        );
        assert_eq!(store.claim(id, 60_999, 120_999).await.expect("claim"), None);
        assert_eq!(store.next_due_at().await.expect("next"), Some(61_000));
        assert_eq!(store.outbox_depth().await.expect("depth").pending, 1);

        // Its sender died: once the lease is over the mail is due again, one more attempt.
        assert_eq!(store.due_outbound(61_000, 10).await.expect("due").len(), 1);
        assert_eq!(
            store.claim(id, 61_000, 121_000).await.expect("claim"),
            Some(2)
        );
        store.mark_sent(&[id], 62_000).await.expect("sent");
        let sent = row(&store, id).await;
        assert_eq!(
            (sent.status.as_str(), sent.attempts, sent.lease_until),
            ("sent", 2, None),
            "the claim counted the attempt; marking it sent does not count it again"
        );
        assert!(
            store
                .due_outbound(i64::MAX, 10)
                .await
                .expect("due")
                .is_empty()
        );
        assert_eq!(store.next_due_at().await.expect("next"), None);
        // A late failure report cannot take a sent mail back.
        store
            .mark_retry(id, 3, 70_000, "late")
            .await
            .expect("retry");
        assert_eq!(row(&store, id).await.status, "sent");
    }

    #[tokio::test]
    async fn each_mail_is_claimed_before_it_is_sent_and_recorded_right_after() {
        let (_dir, store, ids) = store_with(2).await;
        let relay = FakeRelay::new(&store, accepted);
        let stats = deliver_due(&store, &relay, &policy(), || 5_000)
            .await
            .expect("round");
        assert_eq!(
            stats,
            DeliveryStats {
                sent: 2,
                retried: 0,
                failed: 0
            }
        );
        assert_eq!(relay.sent().len(), 2);
        for id in ids {
            let r = row(&store, id).await;
            assert_eq!(
                (r.status.as_str(), r.attempts, r.lease_until),
                ("sent", 1, None)
            );
        }
    }

    #[tokio::test]
    async fn a_mail_whose_sender_died_is_sent_again_only_after_its_lease() {
        let (_dir, store, ids) = store_with(1).await;
        // Another process claimed it at t = 1000 and died before recording anything.
        store.claim(ids[0], 1_000, 61_000).await.expect("claim");
        let relay = FakeRelay::new(&store, accepted);

        let early = deliver_due(&store, &relay, &policy(), || 30_000)
            .await
            .expect("round");
        assert_eq!(early, DeliveryStats::default());
        assert!(relay.sent().is_empty(), "not while the lease runs");

        let late = deliver_due(&store, &relay, &policy(), || 61_000)
            .await
            .expect("round");
        assert_eq!(late.sent, 1);
        assert_eq!(relay.sent(), vec!["ppdesk.0@ppdesk.test"]);
        assert_eq!(row(&store, ids[0]).await.attempts, 2);
    }

    #[tokio::test]
    async fn a_mail_noted_in_the_journal_by_a_process_that_died_is_not_sent_again() {
        let (dir, store, ids) = store_with(2).await;
        let journal = SentJournal::open(&dir.path().join("outbox-sent.journal")).expect("journal");
        // The dead process claimed both, the relay took the first (noted), then it was killed
        // before the database recorded it.
        store.claim(ids[0], 1_000, 61_000).await.expect("claim");
        store.claim(ids[1], 1_000, 61_000).await.expect("claim");
        journal.record(ids[0]);
        let relay = FakeRelay::new(&store, accepted);

        let stats = deliver_due_journaled(&store, &relay, &policy(), || 61_000, &journal)
            .await
            .expect("round");
        assert_eq!(stats.sent, 1, "only the mail the relay never took");
        assert_eq!(relay.sent().len(), 1);
        assert_eq!(row(&store, ids[0]).await.status, "sent");
        assert_eq!(row(&store, ids[1]).await.status, "sent");
        let attempts = row(&store, ids[1]).await.attempts;
        assert_eq!(
            journal.noted().expect("reads"),
            vec![ids[1]],
            "replayed notes are cleared; this round's note stays until the next round"
        );
        // Replaying a note of a mail already recorded changes nothing.
        deliver_due_journaled(&store, &relay, &policy(), || 62_000, &journal)
            .await
            .expect("round");
        assert_eq!(row(&store, ids[1]).await.attempts, attempts);
        assert_eq!(relay.sent().len(), 1);
    }

    #[tokio::test]
    async fn two_processes_never_send_the_same_mail() {
        let (dir, store, _) = store_with(12).await;
        // A second handle on the same file: its own connections, like a second process.
        let other = SqliteStore::open(&dir.path().join("db.sqlite3"), 1)
            .await
            .expect("open again");
        let mut a = FakeRelay::new(&store, accepted);
        let mut b = FakeRelay::new(&other, accepted);
        a.pause = Duration::from_millis(5);
        b.pause = Duration::from_millis(5);
        let policy = policy();
        let (ra, rb) = tokio::join!(
            deliver_due(&store, &a, &policy, || 5_000),
            deliver_due(&other, &b, &policy, || 5_000),
        );
        let (ra, rb) = (ra.expect("a"), rb.expect("b"));
        assert_eq!(ra.sent + rb.sent, 12, "{ra:?} {rb:?}");
        let mut all: Vec<String> = a.sent().into_iter().chain(b.sent()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 12, "every mail sent once");
    }

    #[tokio::test]
    async fn a_refused_mail_fails_after_one_attempt_with_the_reply() {
        let (_dir, store, ids) = store_with(1).await;
        let relay = FakeRelay::new(&store, |_| {
            Err(DeliveryError::Permanent(
                "smtp 127.0.0.1:25 refused the mail: 550 Invalid recipient".into(),
            ))
        });
        let stats = deliver_due(&store, &relay, &policy(), || 5_000)
            .await
            .expect("round");
        assert_eq!(stats.failed, 1);
        assert_eq!(
            row(&store, ids[0]).await,
            Row {
                status: "failed".into(),
                attempts: 1,
                lease_until: None,
                last_error: Some(
                    "smtp 127.0.0.1:25 refused the mail: 550 Invalid recipient".into()
                ),
            }
        );
    }

    #[tokio::test]
    async fn an_unavailable_relay_is_tried_once_per_round() {
        let (_dir, store, ids) = store_with(3).await;
        let relay = FakeRelay::new(&store, |_| {
            Err(DeliveryError::Unavailable(
                "smtp 127.0.0.1:25: cannot connect".into(),
            ))
        });
        let stats = deliver_due(&store, &relay, &policy(), || 5_000)
            .await
            .expect("round");
        assert_eq!(
            stats,
            DeliveryStats {
                sent: 0,
                retried: 3,
                failed: 0
            }
        );
        assert_eq!(relay.sent().len(), 1, "the others wait without a try");
        for id in ids {
            let r = row(&store, id).await;
            assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
            assert_eq!(
                r.last_error.as_deref(),
                Some("smtp 127.0.0.1:25: cannot connect")
            );
        }
        let next = store.next_due_at().await.expect("next").expect("pending");
        assert!(next >= 5_000 + 30_000, "after the backoff: {next}");
    }

    #[tokio::test]
    async fn an_interrupted_last_attempt_is_given_up_not_repeated() {
        let (_dir, store, ids) = store_with(1).await;
        let policy = RetryPolicy {
            max_attempts: 2,
            ..policy()
        };
        store.claim(ids[0], 1_000, 2_000).await.expect("first");
        store
            .mark_retry(ids[0], 1, 2_000, "451 later")
            .await
            .expect("retry");
        store
            .claim(ids[0], 2_000, 3_000)
            .await
            .expect("second, then a crash");
        let relay = FakeRelay::new(&store, accepted);
        let stats = deliver_due(&store, &relay, &policy, || 3_000)
            .await
            .expect("round");
        assert_eq!(stats.failed, 1);
        assert!(relay.sent().is_empty());
        let r = row(&store, ids[0]).await;
        assert_eq!((r.status.as_str(), r.attempts), ("failed", 2));
        assert!(r.last_error.unwrap_or_default().contains("interrupted"));
    }

    #[tokio::test]
    async fn a_harmless_transport_is_not_claimed_and_marked_per_round() {
        let (_dir, store, ids) = store_with(2).await;
        let mut spool = FakeRelay::new(&store, accepted);
        spool.harmless = true;
        let stats = deliver_due(&store, &spool, &policy(), || 5_000)
            .await
            .expect("round");
        assert_eq!(stats.sent, 2);
        for id in ids {
            let r = row(&store, id).await;
            assert_eq!((r.status.as_str(), r.attempts), ("sent", 1));
        }
    }
}
