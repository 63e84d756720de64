//! The tray icon's menu and tooltip, and the desktop notifications the agent shows.

use super::Language;

/// What the tray menu and its tooltip say.
#[derive(Debug)]
pub struct TrayText {
    /// Tooltip of the icon.
    pub tooltip: &'static str,
    pub compose_with_screenshot: &'static str,
    pub compose: &'static str,
    pub my_tickets: &'static str,
    pub helpdesk_online: &'static str,
    pub knowledge_base: &'static str,
    /// Followed by the number from the config: "Assistenza telefonica: +39 02 1234567".
    pub phone_prefix: &'static str,
    pub quit: &'static str,
    /// "N ticket in attesa di invio" (N ≥ 1); clicking it retries at once.
    pub pending: fn(usize) -> String,
}

impl TrayText {
    /// The phone entry: prefix and number.
    pub fn phone(&self, number: &str) -> String {
        format!("{}{}", self.phone_prefix, number.trim())
    }
}

/// Italian (the default).
pub const IT: TrayText = TrayText {
    tooltip: "ppdesk",
    compose_with_screenshot: "Apri ticket con screenshot",
    compose: "Apri ticket",
    my_tickets: "I miei ticket",
    helpdesk_online: "Helpdesk online",
    knowledge_base: "Knowledge base",
    phone_prefix: "Assistenza telefonica: ",
    quit: "Esci",
    // "ticket" does not change in the plural in Italian.
    pending: |n| format!("{n} ticket in attesa di invio"),
};

/// English.
pub const EN: TrayText = TrayText {
    tooltip: "ppdesk",
    compose_with_screenshot: "Open ticket with screenshot",
    compose: "Open ticket",
    my_tickets: "My tickets",
    helpdesk_online: "Online helpdesk",
    knowledge_base: "Knowledge base",
    phone_prefix: "Phone support: ",
    quit: "Quit",
    pending: |n| match n {
        1 => "1 ticket waiting to be sent".to_owned(),
        n => format!("{n} tickets waiting to be sent"),
    },
};

/// The menu text in `language`.
pub fn text(language: Language) -> &'static TrayText {
    match language {
        Language::It => &IT,
        Language::En => &EN,
    }
}

/// What the desktop notifications say. The title is always the app name, "ppdesk".
#[derive(Debug)]
pub struct NotifyText {
    /// The server opened the ticket: number and the sector in charge.
    pub ticket_opened: fn(u64, &str) -> String,
    /// SMTP mode: the relay took the mail.
    pub mailed: &'static str,
    /// Mail-client mode: the draft is open in the user's mail program, who sends it.
    pub opened_in_mail_client: &'static str,
    /// Drafts wait in the outbox: how many, and why (empty reason: no details).
    pub queued: fn(usize, &str) -> String,
    /// The tray cannot start (config unreadable…): the problem, in the log's words.
    pub cannot_start: fn(&str) -> String,
}

/// Italian (the default).
pub const NOTIFY_IT: NotifyText = NotifyText {
    ticket_opened: |number, sector| {
        if sector.trim().is_empty() {
            format!("Ticket #{number} aperto")
        } else {
            format!("Ticket #{number} aperto — settore {}", sector.trim())
        }
    },
    mailed: "Mail inviata all'helpdesk",
    opened_in_mail_client: "Bozza aperta nel programma di posta",
    queued: |pending, reason| {
        let head = format!(
            "{pending} ticket in attesa di invio: li invio appena l'helpdesk è raggiungibile."
        );
        with_reason(head, "Motivo", reason)
    },
    cannot_start: |problem| format!("L'icona dell'helpdesk non può partire: {problem}"),
};

/// English.
pub const NOTIFY_EN: NotifyText = NotifyText {
    ticket_opened: |number, sector| {
        if sector.trim().is_empty() {
            format!("Ticket #{number} opened")
        } else {
            format!("Ticket #{number} opened — {} team", sector.trim())
        }
    },
    mailed: "Mail sent to the helpdesk",
    opened_in_mail_client: "Draft opened in your mail program",
    queued: |pending, reason| {
        let head = match pending {
            1 => "1 ticket is waiting to be sent: it goes out as soon as the helpdesk can be \
                  reached."
                .to_owned(),
            n => format!(
                "{n} tickets are waiting to be sent: they go out as soon as the helpdesk can be \
                 reached."
            ),
        };
        with_reason(head, "Reason", reason)
    },
    cannot_start: |problem| format!("The helpdesk icon cannot start: {problem}"),
};

fn with_reason(head: String, label: &str, reason: &str) -> String {
    match reason.trim() {
        "" => head,
        reason => format!("{head}\n{label}: {reason}"),
    }
}

/// The notification text in `language`.
pub fn notify_text(language: Language) -> &'static NotifyText {
    match language {
        Language::It => &NOTIFY_IT,
        Language::En => &NOTIFY_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_counts_read_naturally() {
        assert_eq!((IT.pending)(1), "1 ticket in attesa di invio");
        assert_eq!((IT.pending)(3), "3 ticket in attesa di invio");
        assert_eq!((EN.pending)(1), "1 ticket waiting to be sent");
        assert_eq!((EN.pending)(2), "2 tickets waiting to be sent");
    }

    #[test]
    fn phone_entry_carries_the_number() {
        assert_eq!(
            IT.phone(" +39 02 1234567 "),
            "Assistenza telefonica: +39 02 1234567"
        );
        assert_eq!(EN.phone("800 123"), "Phone support: 800 123");
    }

    #[test]
    fn ticket_notification_names_number_and_sector() {
        assert_eq!(
            (NOTIFY_IT.ticket_opened)(10042, "Assistenza"),
            "Ticket #10042 aperto — settore Assistenza"
        );
        assert_eq!(
            (NOTIFY_IT.ticket_opened)(10042, " "),
            "Ticket #10042 aperto"
        );
        assert_eq!(
            (NOTIFY_EN.ticket_opened)(10042, "Assistenza"),
            "Ticket #10042 opened — Assistenza team"
        );
    }

    #[test]
    fn queued_notification_gives_the_reason_only_when_known() {
        let with = (NOTIFY_IT.queued)(2, "connessione rifiutata");
        assert!(with.starts_with("2 ticket in attesa di invio"), "{with}");
        assert!(with.ends_with("Motivo: connessione rifiutata"), "{with}");
        assert!(!(NOTIFY_EN.queued)(1, "").contains("Reason"));
    }

    #[test]
    fn every_language_has_every_menu_entry() {
        for language in [Language::It, Language::En] {
            let text = text(language);
            for entry in [
                text.tooltip,
                text.compose_with_screenshot,
                text.compose,
                text.my_tickets,
                text.helpdesk_online,
                text.knowledge_base,
                text.phone_prefix,
                text.quit,
            ] {
                assert!(!entry.trim().is_empty(), "{language:?}");
            }
        }
    }
}
