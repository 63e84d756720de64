//! Desktop notifications (A6): "Ticket #10042 aperto — settore Assistenza" when the server
//! answers, and how many tickets wait in the outbox when it does not.
//!
//! A missing notification daemon (a bare X session, a locked-down desktop) is logged and
//! otherwise ignored: a notification is a courtesy, never a reason to fail. Showing one may
//! block for a moment on the session bus, so callers on a UI thread hand it to a worker.

use crate::catalog::Language;
use crate::catalog::tray::notify_text;
use crate::transport::Delivered;

/// The application name the notification server shows (and groups by).
pub const APP_NAME: &str = "ppdesk";
/// Icon name in the desktop's icon theme (installed by the packages from `assets/`).
pub const ICON_NAME: &str = "ppdesk-agent";

/// The sentence announcing a delivered ticket.
pub fn delivered_text(language: Language, delivered: &Delivered) -> String {
    let text = notify_text(language);
    match delivered {
        Delivered::Ticket(ticket) => (text.ticket_opened)(ticket.number, &ticket.sector),
        Delivered::Mailed { .. } => text.mailed.to_owned(),
        Delivered::OpenedInMailClient { .. } => text.opened_in_mail_client.to_owned(),
    }
}

/// Tells the user their ticket got through: the number and sector in API mode, "mail sent" in
/// SMTP mode, "draft opened" in mail-client mode.
pub fn delivered(language: Language, delivered: &Delivered) {
    show(&delivered_text(language, delivered));
}

/// Tells the user `pending` tickets wait in the outbox, and why (`reason` may be empty).
pub fn queued(language: Language, pending: usize, reason: &str) {
    show(&(notify_text(language).queued)(pending, reason));
}

/// Tells the user the tray cannot start, and why (a login-time failure has no terminal).
pub fn cannot_start(language: Language, problem: &str) {
    show(&(notify_text(language).cannot_start)(problem));
}

fn show(body: &str) {
    let mut notification = notify_rust::Notification::new();
    notification.appname(APP_NAME).summary(APP_NAME).body(body);
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.icon(ICON_NAME);
    match notification.show() {
        Ok(_handle) => tracing::info!(body, "notification shown"),
        Err(error) => tracing::warn!(%error, body, "cannot show a desktop notification"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use ppdesk_shared::TicketStatus;
    use ppdesk_shared::api::CreatedTicket;

    use super::*;

    #[test]
    fn each_transport_has_its_own_sentence() {
        let ticket = Delivered::Ticket(CreatedTicket {
            number: 10042,
            tag: "#Standard# Ticket #[10042]".into(),
            status: TicketStatus::WaitingOnSupport,
            sector: "Assistenza".into(),
        });
        assert_eq!(
            delivered_text(Language::It, &ticket),
            "Ticket #10042 aperto — settore Assistenza"
        );
        assert_eq!(
            delivered_text(
                Language::It,
                &Delivered::Mailed {
                    message_id: "<a@b>".into()
                }
            ),
            "Mail inviata all'helpdesk"
        );
        assert_eq!(
            delivered_text(
                Language::En,
                &Delivered::OpenedInMailClient {
                    path: PathBuf::from("/tmp/x.eml")
                }
            ),
            "Draft opened in your mail program"
        );
    }
}
