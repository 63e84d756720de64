//! Texts of the mail a draft becomes (smtp and mailclient modes) and of `ppdesk-agent outbox`.

use super::Language;

/// Labels of the facts block under the description of a mailed ticket.
#[derive(Debug, Clone, Copy)]
pub struct MailLabels {
    pub category: &'static str,
    pub priority: &'static str,
    pub computer: &'static str,
    pub system: &'static str,
    pub user: &'static str,
    pub screens: &'static str,
    pub active_window: &'static str,
    pub sent_by: &'static str,
}

const MAIL_IT: MailLabels = MailLabels {
    category: "Categoria",
    priority: "Priorità",
    computer: "Computer",
    system: "Sistema",
    user: "Utente",
    screens: "Schermi",
    active_window: "Finestra attiva",
    sent_by: "Inviato con ppdesk-agent",
};

const MAIL_EN: MailLabels = MailLabels {
    category: "Category",
    priority: "Priority",
    computer: "Computer",
    system: "System",
    user: "User",
    screens: "Screens",
    active_window: "Active window",
    sent_by: "Sent with ppdesk-agent",
};

/// The facts block's labels.
pub fn mail_labels(language: Language) -> &'static MailLabels {
    match language {
        Language::It => &MAIL_IT,
        Language::En => &MAIL_EN,
    }
}

/// A priority's name for people.
pub fn priority_name(language: Language, priority: ppdesk_shared::Priority) -> &'static str {
    use ppdesk_shared::Priority::*;
    match (language, priority) {
        (Language::It, Low) => "Bassa",
        (Language::It, Normal) => "Normale",
        (Language::It, High) => "Alta",
        (Language::It, Urgent) => "Urgente",
        (Language::En, Low) => "Low",
        (Language::En, Normal) => "Normal",
        (Language::En, High) => "High",
        (Language::En, Urgent) => "Urgent",
    }
}

/// `ppdesk-agent outbox` and `send` output.
#[derive(Debug, Clone, Copy)]
pub struct OutboxTexts {
    pub empty: &'static str,
    pub waiting: &'static str,
    pub refused: &'static str,
    pub attempts: &'static str,
    pub next_attempt: &'static str,
    pub last_error: &'static str,
    pub queued: &'static str,
    pub opened_ticket: &'static str,
    pub mailed: &'static str,
    pub draft_opened: &'static str,
    pub dropped: &'static str,
}

const OUTBOX_IT: OutboxTexts = OutboxTexts {
    empty: "Nessun ticket in attesa di invio.",
    waiting: "in attesa",
    refused: "rifiutato",
    attempts: "tentativi",
    next_attempt: "prossimo tentativo",
    last_error: "ultimo errore",
    queued: "Non ancora inviato, resta nella coda e verrà ritentato",
    opened_ticket: "Ticket aperto",
    mailed: "Mail inviata all'helpdesk",
    draft_opened: "Bozza aperta nel programma di posta",
    dropped: "eliminato dalla coda, non verrà inviato",
};

const OUTBOX_EN: OutboxTexts = OutboxTexts {
    empty: "No ticket is waiting to be sent.",
    waiting: "waiting",
    refused: "refused",
    attempts: "attempts",
    next_attempt: "next attempt",
    last_error: "last error",
    queued: "Not sent yet; it stays in the outbox and will be retried",
    opened_ticket: "Ticket opened",
    mailed: "Mail sent to the helpdesk",
    draft_opened: "Draft opened in the mail program",
    dropped: "removed from the outbox, will not be sent",
};

/// The outbox texts.
pub fn outbox_texts(language: Language) -> &'static OutboxTexts {
    match language {
        Language::It => &OUTBOX_IT,
        Language::En => &OUTBOX_EN,
    }
}
