//! The outbox retry loop (A5): a worker thread that sleeps until a request arrives or the next
//! retry is due, sends what is due, and tells the UI how many drafts still wait.
//!
//! While the outbox is empty the thread blocks in a plain `recv`: no timer, no wake-ups.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Post, UiEvent};
use crate::catalog::Language;
use crate::config::AgentConfig;
use crate::notify;
use crate::outbox::{self, DeliveryRound, Outbox};

/// Shortest sleep between two rounds, whatever the schedule says: a draft whose retry time is
/// already past (a clock jump, a state file that cannot be written) must not spin the CPU.
const MIN_WAIT: Duration = Duration::from_secs(2);

/// What the worker is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// The outbox changed (a compose window queued a draft): recount, retry what is due.
    Wake,
    /// The user clicked "N ticket in attesa di invio": send everything now.
    RetryNow,
    /// The tray quits.
    Quit,
}

/// How long to sleep after a round: `None` (until asked) when nothing waits for a retry,
/// else until the next retry is due, but at least [`MIN_WAIT`].
pub fn wait_after_round(next_due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Duration> {
    next_due.map(|due| (due - now).to_std().unwrap_or(Duration::ZERO).max(MIN_WAIT))
}

/// The handle the UI keeps to the worker.
#[derive(Debug, Clone)]
pub struct Worker {
    tx: Sender<Work>,
}

impl Worker {
    /// Starts the worker; it runs one round at once (drafts left from before a restart).
    pub fn spawn(outbox_dir: PathBuf, config: AgentConfig, post: Post) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("tray-outbox".into())
            .spawn(move || run(&outbox_dir, &config, &post, &rx))?;
        Ok(Self { tx })
    }

    /// Asks the worker for `work`; a worker that already ended is not an error.
    pub fn send(&self, work: Work) {
        if self.tx.send(work).is_err() {
            tracing::warn!(?work, "the outbox worker has ended");
        }
    }
}

fn run(outbox_dir: &std::path::Path, config: &AgentConfig, post: &Post, rx: &Receiver<Work>) {
    let mut outbox: Option<Outbox> = None;
    let mut work = Work::Wake;
    loop {
        if outbox.is_none() {
            outbox = match Outbox::open(outbox_dir) {
                Ok(opened) => Some(opened),
                Err(error) => {
                    tracing::warn!(%error, "outbox worker: cannot open the outbox");
                    None
                }
            };
        }
        let next_due = match &outbox {
            Some(outbox) => round(outbox, config, post, work),
            None => None,
        };
        let received = match wait_after_round(next_due, Utc::now()) {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(wait) => {
                tracing::debug!(?wait, "outbox worker: next retry");
                rx.recv_timeout(wait)
            }
        };
        work = match received {
            Ok(Work::Quit) | Err(RecvTimeoutError::Disconnected) => return,
            Ok(work) => work,
            Err(RecvTimeoutError::Timeout) => Work::Wake,
        };
    }
}

/// One round: send, notify, update the UI. Returns when the next retry is due.
fn round(outbox: &Outbox, config: &AgentConfig, post: &Post, work: Work) -> Option<DateTime<Utc>> {
    let now = Utc::now();
    let round: DeliveryRound = if work == Work::RetryNow {
        outbox::deliver_now(outbox, config, now)
    } else {
        outbox::deliver_due(outbox, config, now)
    };
    tracing::info!(
        delivered = round.delivered.len(),
        failed = round.failed.len(),
        pending = round.pending,
        next_due = ?round.next_due,
        "outbox round"
    );
    post(UiEvent::Pending(round.pending));
    let language: Language = config.language;
    for (_, delivered) in &round.delivered {
        notify::delivered(language, delivered);
    }
    // The user asked and it still did not go: say why, rather than nothing.
    if work == Work::RetryNow && round.pending > 0 {
        let reason = round
            .failed
            .first()
            .map(|(_, reason)| reason.as_str())
            .unwrap_or("");
        notify::queued(language, round.pending, reason);
    }
    round.next_due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn nothing_to_retry_sleeps_until_asked() {
        assert_eq!(wait_after_round(None, at("2026-11-26T12:00:00Z")), None);
    }

    #[test]
    fn sleeps_until_the_next_retry() {
        assert_eq!(
            wait_after_round(Some(at("2026-11-26T12:01:00Z")), at("2026-11-26T12:00:00Z")),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn an_overdue_retry_never_spins() {
        assert_eq!(
            wait_after_round(Some(at("2026-11-26T11:00:00Z")), at("2026-11-26T12:00:00Z")),
            Some(MIN_WAIT)
        );
        assert_eq!(
            wait_after_round(
                Some(at("2026-11-26T12:00:00.5Z")),
                at("2026-11-26T12:00:00Z")
            ),
            Some(MIN_WAIT)
        );
    }
}
