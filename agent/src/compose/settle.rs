//! What the outbox's answer to a Send means for the compose window: delivered or queued
//! closes it; refused keeps it open with the reason, so the user can correct the draft (e.g.
//! the email) and press Send again.
//!
//! The window itself still knows nothing about outboxes: this is the rule the binary's
//! [`OnSend`](super::OnSend) applies to [`outbox::submit`](crate::outbox::submit)'s answer.

use crate::draft::DraftId;
use crate::outbox::{Outbox, Submitted};
use crate::transport::Delivered;

/// A Send after which the window closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Accepted by the other side.
    Delivered(Delivered),
    /// Stored in the outbox; the tray retries it.
    Queued { reason: String },
}

/// Turns `submitted` (the outbox's answer for a draft) into what the window does. A refused
/// draft stays in the outbox, listed as refused (so a Cancel now loses nothing), and its reason
/// goes back to the window as `Err`.
pub fn settle(submitted: Submitted) -> Result<Settled, String> {
    match submitted {
        Submitted::Delivered(delivered) => Ok(Settled::Delivered(delivered)),
        Submitted::Queued { reason } => Ok(Settled::Queued { reason }),
        Submitted::Refused { reason } => Err(reason),
    }
}

/// Before a window's next Send: takes its previously refused draft back out of the outbox, so
/// the corrected draft can be stored under the same id (every Send of a window reuses it, and
/// the outbox does not store an id twice). Only a refused draft is withdrawn: the other side
/// never accepted it. Anything else under that id is left alone.
pub fn withdraw_refused(outbox: &Outbox, id: &DraftId) {
    let refused = outbox.state(id).is_ok_and(|state| state.refused);
    if refused && let Err(error) = outbox.remove(id) {
        // The next Send would resend the stored draft; say so in the log at least.
        tracing::warn!(draft = %id, %error, "compose: cannot withdraw the refused draft");
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use ppdesk_shared::api::MachineFacts;

    use super::*;
    use crate::compose::Form;
    use crate::compose::form::tests::config;
    use crate::draft::Draft;

    fn draft(form: &Form) -> Draft {
        form.draft(&config(), Utc::now(), MachineFacts::default(), None)
            .expect("draft")
    }

    #[test]
    fn a_refused_draft_stays_listed_until_the_corrected_one_takes_its_id() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = Outbox::open(dir.path()).expect("outbox");
        let mut form = Form::new(&config(), None);
        form.subject = "Stampante ufficio 2 non stampa".into();
        outbox.put(&draft(&form)).expect("put");
        let refused_state = crate::outbox::DeliveryState {
            refused: true,
            attempts: 1,
            ..crate::outbox::DeliveryState::default()
        };
        outbox.set_state(&form.id, &refused_state).expect("state");

        let refused = Submitted::Refused {
            reason: "contatto sconosciuto".into(),
        };
        assert_eq!(settle(refused), Err("contatto sconosciuto".to_owned()));
        assert_eq!(outbox.pending_count(), 1, "a Cancel now loses nothing");

        withdraw_refused(&outbox, &form.id);
        assert_eq!(
            outbox.pending_count(),
            0,
            "withdrawn for the corrected draft"
        );
        form.contact_email = "anna.bianchi@acme.test".into();
        outbox.put(&draft(&form)).expect("put again");
        let stored = outbox.load(&form.id).expect("stored");
        assert_eq!(stored.contact.email, "anna.bianchi@acme.test");
    }

    #[test]
    fn a_queued_draft_stays_in_the_outbox_and_closes_the_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = Outbox::open(dir.path()).expect("outbox");
        let mut form = Form::new(&config(), None);
        form.subject = "Stampante ufficio 2 non stampa".into();
        outbox.put(&draft(&form)).expect("put");

        let queued = Submitted::Queued {
            reason: "server irraggiungibile".into(),
        };
        assert_eq!(
            settle(queued),
            Ok(Settled::Queued {
                reason: "server irraggiungibile".into()
            })
        );
        withdraw_refused(&outbox, &form.id);
        assert_eq!(
            outbox.pending_count(),
            1,
            "a queued draft is never withdrawn"
        );
    }
}
