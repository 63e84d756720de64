//! Sending what the outbox holds: once right after Send, then in retry rounds.

use chrono::{DateTime, Utc};

use super::{DeliveryState, Outbox, OutboxError, backoff};
use crate::config::AgentConfig;
use crate::draft::{Draft, DraftId};
use crate::transport::{self, Delivered, SendError, Transport};

/// What became of a draft right after Send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Accepted; the draft has left the outbox.
    Delivered(Delivered),
    /// Not sent yet (offline, server busy…): it waits in the outbox and is retried.
    Queued { reason: String },
    /// The other side refused the draft itself (e.g. the token was revoked): it stays in the
    /// outbox, listed, and is sent again only on request.
    Refused { reason: String },
}

/// What one retry round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub delivered: Vec<(DraftId, Delivered)>,
    pub failed: Vec<(DraftId, String)>,
    /// Drafts still in the outbox after the round.
    pub pending: usize,
    /// When the next automatic attempt is due; `None` when nothing waits to be retried.
    pub next_due: Option<DateTime<Utc>>,
}

enum Attempt {
    Delivered(Delivered),
    Failed {
        reason: String,
        refused: bool,
    },
    /// Another process holds the draft's lock (it is sending it right now).
    Busy,
    /// Someone else sent it between our listing and our lock.
    Gone,
}

/// Writes `draft` durably to the outbox, then tries to send it once. It leaves the outbox only
/// once accepted; otherwise the retry rounds take over.
pub fn submit(
    outbox: &Outbox,
    config: &AgentConfig,
    draft: &Draft,
) -> Result<Submitted, OutboxError> {
    outbox.put(draft)?;
    let transport = transport::for_config(config, outbox.dir());
    Ok(
        match attempt(outbox, transport.as_deref(), &draft.id, Utc::now()) {
            Attempt::Delivered(delivered) => Submitted::Delivered(delivered),
            Attempt::Failed {
                reason,
                refused: true,
            } => Submitted::Refused { reason },
            Attempt::Failed { reason, .. } => Submitted::Queued { reason },
            // The tray's retry loop picked it up first; it reports the outcome.
            Attempt::Busy | Attempt::Gone => Submitted::Queued {
                reason: String::new(),
            },
        },
    )
}

/// Sends every draft whose retry is due at `now` (refused drafts wait for [`deliver_now`]).
pub fn deliver_due(outbox: &Outbox, config: &AgentConfig, now: DateTime<Utc>) -> DeliveryRound {
    deliver(outbox, config, now, |state| state.is_due(now))
}

/// Sends every draft now, due or not, refused or not: the user asked for it.
pub fn deliver_now(outbox: &Outbox, config: &AgentConfig, now: DateTime<Utc>) -> DeliveryRound {
    deliver(outbox, config, now, |_| true)
}

fn deliver(
    outbox: &Outbox,
    config: &AgentConfig,
    now: DateTime<Utc>,
    wanted: impl Fn(&DeliveryState) -> bool,
) -> DeliveryRound {
    let mut round = DeliveryRound::default();
    let entries = match outbox.list() {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(%error, "outbox: cannot list");
            return round;
        }
    };
    let transport = transport::for_config(config, outbox.dir());
    let mut busy = false;
    for entry in entries.iter().filter(|entry| wanted(&entry.state)) {
        match attempt(outbox, transport.as_deref(), &entry.id, now) {
            Attempt::Delivered(delivered) => round.delivered.push((entry.id.clone(), delivered)),
            Attempt::Failed { reason, .. } => round.failed.push((entry.id.clone(), reason)),
            Attempt::Busy => busy = true,
            Attempt::Gone => {}
        }
    }
    let remaining = outbox.list().unwrap_or_default();
    round.pending = remaining.len();
    round.next_due = remaining
        .iter()
        .filter(|entry| !entry.state.refused)
        .map(|entry| entry.state.next_attempt_at.unwrap_or(now))
        .min();
    if busy {
        // Whoever holds the lock may crash; look again soon rather than never.
        let soon = now + backoff::delay_after(1);
        round.next_due = Some(round.next_due.map_or(soon, |due| due.min(soon)));
    }
    round
}

/// One try at one draft. Never fails once the draft is stored: bookkeeping errors are logged
/// and the outcome reported as it happened, so a caller never tells the user "failed" about a
/// ticket the server took (and never invites a second Send that would open a second ticket).
fn attempt(
    outbox: &Outbox,
    transport: Result<&dyn Transport, &transport::TransportError>,
    id: &DraftId,
    now: DateTime<Utc>,
) -> Attempt {
    let Some(_lock) = outbox.try_lock(id) else {
        return Attempt::Busy;
    };
    let draft = match outbox.load(id) {
        Ok(draft) => draft,
        Err(OutboxError::NotFound { .. }) => return Attempt::Gone,
        Err(error) => {
            // Unreadable files (e.g. an attachment quarantined by an antivirus) will not heal
            // by retrying every round: park the draft, listed with the reason.
            let reason = error.to_string();
            record_failure(outbox, id, now, &reason, true);
            return Attempt::Failed {
                reason,
                refused: true,
            };
        }
    };
    let result = match transport {
        Ok(transport) => transport.send(&draft),
        Err(error) => Err(SendError::Retry(error.to_string())),
    };
    match result {
        Ok(delivered) => {
            tracing::info!(draft = %id, ?delivered, "outbox: delivered");
            if let Err(error) = outbox.remove(id) {
                // Accepted all the same. Marked so no round sends it again; `open` retries
                // the removal.
                tracing::warn!(draft = %id, %error, "outbox: delivered draft not removed yet");
                let state = DeliveryState {
                    delivered: true,
                    ..DeliveryState::default()
                };
                if let Err(error) = outbox.set_state(id, &state) {
                    tracing::error!(draft = %id, %error, "outbox: cannot mark the draft delivered");
                }
            }
            Attempt::Delivered(delivered)
        }
        Err(error) => {
            let refused = matches!(error, SendError::Refused(_));
            record_failure(outbox, id, now, error.reason(), refused);
            Attempt::Failed {
                reason: error.reason().to_owned(),
                refused,
            }
        }
    }
}

/// Counts a failed attempt and schedules the next one. An unreadable state file counts as a
/// fresh one (and is overwritten) rather than stopping the bookkeeping.
fn record_failure(outbox: &Outbox, id: &DraftId, now: DateTime<Utc>, reason: &str, refused: bool) {
    let mut state = outbox.state(id).unwrap_or_else(|error| {
        tracing::warn!(draft = %id, %error, "outbox: state unreadable, starting afresh");
        DeliveryState::default()
    });
    state.attempts += 1;
    state.last_attempt_at = Some(now);
    state.last_error = Some(reason.to_owned());
    state.refused = refused;
    state.next_attempt_at = Some(backoff::next_attempt(state.attempts, now));
    tracing::warn!(draft = %id, reason, attempts = state.attempts, refused, "outbox: not delivered");
    if let Err(error) = outbox.set_state(id, &state) {
        tracing::error!(draft = %id, %error, "outbox: cannot record the failed attempt");
    }
}
