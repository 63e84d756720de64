//! The compose window ("Apri ticket") and the "I miei ticket" window.

use ppdesk_shared::agent_config::Mode;
use ppdesk_shared::{Priority, TicketStatus};

use super::Language;
use crate::draft::{DraftProblem, MAX_FILE_BYTES, MAX_SUBJECT_CHARS, MAX_TOTAL_BYTES};
use crate::subject_quality::{MIN_WORDS, VagueReason};

/// The compose window's fixed texts.
#[derive(Debug)]
pub struct ComposeTexts {
    pub window_title: &'static str,
    pub subject: &'static str,
    pub subject_hint: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub category_none: &'static str,
    pub priority: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
    pub screenshot: &'static str,
    /// Accessible name of the preview, where the user drags.
    pub screenshot_preview: &'static str,
    pub redact_hint: &'static str,
    pub undo_area: &'static str,
    pub remove_screenshot: &'static str,
    pub no_screenshot: &'static str,
    pub attachments: &'static str,
    pub add_attachment: &'static str,
    pub no_attachments: &'static str,
    /// The button next to each attachment (its accessible name adds the file name).
    pub remove: &'static str,
    pub file_dialog_title: &'static str,
    pub machine_facts_note: &'static str,
    pub send: &'static str,
    pub cancel: &'static str,
    pub sending: &'static str,
    pub shortcuts: &'static str,
    pub send_failed: &'static str,
    /// The reproduction template the description starts with (the customer's procedure: what
    /// a technician needs to reproduce the problem alone).
    pub description_template: &'static str,
}

impl ComposeTexts {
    /// Italian (the default).
    pub const IT: Self = Self {
        window_title: "Nuovo ticket di assistenza",
        subject: "Oggetto",
        subject_hint: "Cosa non va, in poche parole (es. «Errore 1603 installando il gestionale»)",
        description: "Descrizione",
        category: "Categoria",
        category_none: "(nessuna)",
        priority: "Priorità",
        contact_name: "Nome",
        contact_email: "Email",
        screenshot: "Screenshot",
        screenshot_preview: "Anteprima dello screenshot: trascina per oscurare un'area",
        redact_hint: "Oscura un'area: trascina un rettangolo sull'immagine per coprire dati \
                      riservati. Le aree oscurate sono nere nell'immagine inviata; \
                      l'originale non viene inviato né conservato.",
        undo_area: "Annulla ultima area",
        remove_screenshot: "Rimuovi screenshot",
        no_screenshot: "Nessuno screenshot: il ticket parte senza immagine.",
        attachments: "Allegati",
        add_attachment: "Aggiungi allegato…",
        no_attachments: "Nessun allegato. Puoi anche trascinare i file su questa finestra.",
        remove: "Rimuovi",
        file_dialog_title: "Scegli i file da allegare",
        machine_facts_note: "Con il ticket partono anche: nome del computer, sistema operativo, \
                             utente, schermi e finestra attiva.",
        send: "Invia",
        cancel: "Annulla",
        sending: "Invio…",
        shortcuts: "Ctrl+Invio invia · Esc annulla",
        send_failed: "Il ticket non è stato salvato né inviato",
        description_template: "Cosa stavi facendo (programma, menu, procedura):\n\n\n\
                               Messaggio d'errore esatto (copialo o descrivilo parola per \
                               parola):\n\n\n\
                               Numeri di documento coinvolti (fattura, DDT, ordine, \
                               registro…):\n\n\n\
                               Date o periodo interessati (es. dal 1 al 10 dicembre):\n\n\n\
                               Da quando succede (e se prima funzionava):\n\n",
    };

    /// English.
    pub const EN: Self = Self {
        window_title: "New support ticket",
        subject: "Subject",
        subject_hint: "What is wrong, in a few words (e.g. \"Error 1603 installing the ERP\")",
        description: "Description",
        category: "Category",
        category_none: "(none)",
        priority: "Priority",
        contact_name: "Name",
        contact_email: "Email",
        screenshot: "Screenshot",
        screenshot_preview: "Screenshot preview: drag to black out an area",
        redact_hint: "Black out an area: drag a rectangle over the picture to cover private \
                      data. Blacked-out areas are black in the picture that is sent; the \
                      original is neither sent nor kept.",
        undo_area: "Undo last area",
        remove_screenshot: "Remove screenshot",
        no_screenshot: "No screenshot: the ticket goes without a picture.",
        attachments: "Attachments",
        add_attachment: "Add attachment…",
        no_attachments: "No attachments. You can also drop files on this window.",
        remove: "Remove",
        file_dialog_title: "Choose the files to attach",
        machine_facts_note: "The ticket also carries: computer name, operating system, user, \
                             screens and active window.",
        send: "Send",
        cancel: "Cancel",
        sending: "Sending…",
        shortcuts: "Ctrl+Enter sends · Esc cancels",
        send_failed: "The ticket was neither saved nor sent",
        description_template: "What you were doing (program, menu, procedure):\n\n\n\
                               Exact error message (copy it or write it word for word):\n\n\n\
                               Document numbers involved (invoice, delivery note, order, \
                               register…):\n\n\n\
                               Dates or period concerned (e.g. from 1 to 10 December):\n\n\n\
                               Since when it happens (and whether it worked before):\n\n",
    };
}

/// The compose window's texts in `language`.
pub fn texts(language: Language) -> &'static ComposeTexts {
    match language {
        Language::It => &ComposeTexts::IT,
        Language::En => &ComposeTexts::EN,
    }
}

/// The warning under a vague subject. `None` for an empty subject: the Send button already
/// says a subject is missing.
pub fn vague_subject(language: Language, reason: &VagueReason) -> Option<String> {
    let text = match (language, reason) {
        (_, VagueReason::Empty) => return None,
        (Language::It, VagueReason::OnlyFillerWords) => {
            "Oggetto troppo generico: «Problema», «Urgente» o «Siamo bloccati» non dicono al \
             tecnico cosa non va. Scrivi il programma e il problema, es. «Problema emissione \
             fatture»."
                .to_owned()
        }
        (Language::En, VagueReason::OnlyFillerWords) => {
            "Subject too vague: \"Problem\", \"Urgent\" or \"We are stuck\" do not tell the \
             technician what is wrong. Name the program and the problem, e.g. \"Invoices cannot \
             be issued\"."
                .to_owned()
        }
        (Language::It, VagueReason::TooFewWords { words }) => format!(
            "Oggetto troppo breve ({words} {}): usa almeno {MIN_WORDS} parole che dicano cosa \
             non va, es. «Stampante ufficio 2 non stampa».",
            if *words == 1 { "parola" } else { "parole" }
        ),
        (Language::En, VagueReason::TooFewWords { words }) => format!(
            "Subject too short ({words} {}): use at least {MIN_WORDS} words that say what is \
             wrong, e.g. \"Office 2 printer does not print\".",
            if *words == 1 { "word" } else { "words" }
        ),
        (Language::It, VagueReason::OnlyWindowTitle) => {
            "L'oggetto contiene solo il titolo della finestra: aggiungi cosa non va, es. \
             «… : errore 1603 al salvataggio»."
                .to_owned()
        }
        (Language::En, VagueReason::OnlyWindowTitle) => {
            "The subject is just the window's title: add what is wrong, e.g. \"…: error 1603 \
             when saving\"."
                .to_owned()
        }
    };
    Some(text)
}

/// Why Send is disabled, one line per problem of the draft.
pub fn send_blocked(language: Language, problem: &DraftProblem) -> String {
    let mib = |bytes: usize| bytes.div_ceil(1024 * 1024);
    match (language, problem) {
        (Language::It, DraftProblem::SubjectMissing) => "Scrivi l'oggetto.".into(),
        (Language::En, DraftProblem::SubjectMissing) => "Write the subject.".into(),
        (Language::It, DraftProblem::SubjectTooLong { chars }) => format!(
            "Oggetto troppo lungo ({chars} caratteri, al massimo {MAX_SUBJECT_CHARS}): i \
             dettagli vanno nella descrizione."
        ),
        (Language::En, DraftProblem::SubjectTooLong { chars }) => format!(
            "Subject too long ({chars} characters, at most {MAX_SUBJECT_CHARS}): details go \
             in the description."
        ),
        (Language::It, DraftProblem::ContactEmailMissing) => {
            "Scrivi il tuo indirizzo email: la conferma del ticket arriva lì.".into()
        }
        (Language::En, DraftProblem::ContactEmailMissing) => {
            "Write your email address: the ticket's confirmation goes there.".into()
        }
        (Language::It, DraftProblem::ContactEmailInvalid { email }) => {
            format!("«{email}» non è un indirizzo email valido.")
        }
        (Language::En, DraftProblem::ContactEmailInvalid { email }) => {
            format!("\"{email}\" is not a valid email address.")
        }
        (Language::It, DraftProblem::TooLarge { bytes }) => format!(
            "Allegati troppo grandi ({} MiB in tutto, al massimo {} MiB): togli qualche file.",
            mib(*bytes),
            MAX_TOTAL_BYTES / (1024 * 1024)
        ),
        (Language::En, DraftProblem::TooLarge { bytes }) => format!(
            "Attachments too large ({} MiB in all, at most {} MiB): remove some files.",
            mib(*bytes),
            MAX_TOTAL_BYTES / (1024 * 1024)
        ),
        (Language::It, DraftProblem::FileTooLarge { file_name, bytes }) => format!(
            "«{file_name}» è troppo grande ({} MiB, al massimo {} MiB per file).",
            mib(*bytes),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
        (Language::En, DraftProblem::FileTooLarge { file_name, bytes }) => format!(
            "\"{file_name}\" is too large ({} MiB, at most {} MiB per file).",
            mib(*bytes),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
        (Language::It, DraftProblem::DescriptionTooLong { .. }) => {
            "Descrizione troppo lunga: allega i log come file.".into()
        }
        (Language::En, DraftProblem::DescriptionTooLong { .. }) => {
            "Description too long: attach logs as files.".into()
        }
        (Language::It, DraftProblem::CategoryTooLong { .. }) => {
            "Categoria troppo lunga: scegline una dall'elenco.".into()
        }
        (Language::En, DraftProblem::CategoryTooLong { .. }) => {
            "Category too long: pick one from the list.".into()
        }
        (Language::It, DraftProblem::ScreenshotNotPng) => {
            "Lo screenshot non è un'immagine PNG: rimuovilo.".into()
        }
        (Language::En, DraftProblem::ScreenshotNotPng) => {
            "The screenshot is not a PNG image: remove it.".into()
        }
    }
}

/// A priority's name in the window.
pub fn priority_name(language: Language, priority: Priority) -> &'static str {
    match (language, priority) {
        (Language::It, Priority::Low) => "Bassa",
        (Language::It, Priority::Normal) => "Normale",
        (Language::It, Priority::High) => "Alta",
        (Language::It, Priority::Urgent) => "Urgente",
        (Language::En, Priority::Low) => "Low",
        (Language::En, Priority::Normal) => "Normal",
        (Language::En, Priority::High) => "High",
        (Language::En, Priority::Urgent) => "Urgent",
    }
}

/// What Send does in modes where the user finishes the job, shown above the buttons.
pub fn mode_note(language: Language, mode: Mode) -> Option<&'static str> {
    match (language, mode) {
        (_, Mode::Api | Mode::Smtp) => None,
        (Language::It, Mode::MailClient) => Some(
            "«Invia» apre il messaggio nel tuo programma di posta, con lo screenshot allegato: \
             controllalo e invialo da lì.",
        ),
        (Language::En, Mode::MailClient) => Some(
            "\"Send\" opens the message in your mail program, with the screenshot attached: \
             check it and send it from there.",
        ),
    }
}

/// Accessible name (and tooltip) of the button that removes one attachment.
pub fn remove_attachment(language: Language, file_name: &str) -> String {
    match language {
        Language::It => format!("Rimuovi {file_name}"),
        Language::En => format!("Remove {file_name}"),
    }
}

/// A file that cannot go along.
pub fn attachment_refused(language: Language, file_name: &str, reason: &str) -> String {
    match language {
        Language::It => format!("Non posso allegare {file_name}: {reason}"),
        Language::En => format!("Cannot attach {file_name}: {reason}"),
    }
}

/// Reason for [`attachment_refused`]: the file alone is over the limit.
pub fn file_too_large(language: Language, bytes: u64) -> String {
    let mib = bytes.div_ceil(1024 * 1024);
    let max = MAX_TOTAL_BYTES / (1024 * 1024);
    match language {
        Language::It => format!("{mib} MiB, al massimo {max} MiB in tutto"),
        Language::En => format!("{mib} MiB, at most {max} MiB in all"),
    }
}

/// The "I miei ticket" window's fixed texts.
#[derive(Debug)]
pub struct MyTicketsTexts {
    pub window_title: &'static str,
    pub refresh: &'static str,
    pub close: &'static str,
    pub loading: &'static str,
    pub number: &'static str,
    pub subject: &'static str,
    pub status: &'static str,
    pub updated: &'static str,
    /// `chrono` format of the "updated" column, local time.
    pub date_format: &'static str,
    pub not_api_mode: &'static str,
    pub no_server: &'static str,
    pub no_contact_email: &'static str,
    pub fetch_failed: &'static str,
}

impl MyTicketsTexts {
    /// Italian (the default).
    pub const IT: Self = Self {
        window_title: "I miei ticket",
        refresh: "Aggiorna",
        close: "Chiudi",
        loading: "Caricamento…",
        number: "Numero",
        subject: "Oggetto",
        status: "Stato",
        updated: "Aggiornato",
        date_format: "%d/%m/%Y %H:%M",
        not_api_mode: "Questo computer invia i ticket per email, quindi non può leggere lo \
                       stato dal server dell'helpdesk. Lo stato dei tuoi ticket arriva nelle \
                       risposte dell'helpdesk ed è nell'Helpdesk online.",
        no_server: "Manca l'indirizzo del server dell'helpdesk (server_url) o il token \
                    dell'organizzazione (org_token) nella configurazione: chiedi al tuo \
                    amministratore o all'assistenza.",
        no_contact_email: "Manca il tuo indirizzo email nella configurazione ([contact] email): \
                           i ticket si cercano per indirizzo.",
        fetch_failed: "Non riesco a leggere i tuoi ticket dal server",
    };

    /// English.
    pub const EN: Self = Self {
        window_title: "My tickets",
        refresh: "Refresh",
        close: "Close",
        loading: "Loading…",
        number: "Number",
        subject: "Subject",
        status: "Status",
        updated: "Updated",
        date_format: "%Y-%m-%d %H:%M",
        not_api_mode: "This computer sends tickets by email, so it cannot read their status \
                       from the helpdesk server. Your tickets' status comes with the \
                       helpdesk's replies and is on the online helpdesk.",
        no_server: "The helpdesk server's address (server_url) or the organisation token \
                    (org_token) is missing from the configuration: ask your administrator or \
                    the helpdesk.",
        no_contact_email: "Your email address is missing from the configuration ([contact] \
                           email): tickets are looked up by address.",
        fetch_failed: "Cannot read your tickets from the server",
    };
}

/// The "I miei ticket" window's texts in `language`.
pub fn my_tickets_texts(language: Language) -> &'static MyTicketsTexts {
    match language {
        Language::It => &MyTicketsTexts::IT,
        Language::En => &MyTicketsTexts::EN,
    }
}

/// A ticket status in words, from the user's point of view.
pub fn status_name(language: Language, status: TicketStatus) -> &'static str {
    match (language, status) {
        (Language::It, TicketStatus::WaitingOnSupport) => "In lavorazione dall'assistenza",
        (Language::It, TicketStatus::WaitingOnCustomer) => "In attesa di una tua risposta",
        (Language::It, TicketStatus::Resolved) => "Risolto",
        (Language::It, TicketStatus::Cancelled) => "Annullato",
        (Language::En, TicketStatus::WaitingOnSupport) => "With the support team",
        (Language::En, TicketStatus::WaitingOnCustomer) => "Waiting for your reply",
        (Language::En, TicketStatus::Resolved) => "Resolved",
        (Language::En, TicketStatus::Cancelled) => "Cancelled",
    }
}

/// Shown when the server lists no ticket for the address.
pub fn no_tickets(language: Language, email: &str) -> String {
    match language {
        Language::It => format!("Nessun ticket aperto da {email}."),
        Language::En => format!("No tickets opened by {email}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: [Language; 2] = [Language::It, Language::En];

    #[test]
    fn the_template_asks_what_the_procedure_asks() {
        let template = ComposeTexts::IT.description_template.to_lowercase();
        for asked in [
            "cosa stavi facendo",
            "messaggio d'errore esatto",
            "numeri di documento",
            "date",
            "da quando",
        ] {
            assert!(template.contains(asked), "{asked:?} missing");
        }
        let template = ComposeTexts::EN.description_template.to_lowercase();
        for asked in [
            "what you were doing",
            "exact error",
            "document numbers",
            "dates",
            "since when",
        ] {
            assert!(template.contains(asked), "{asked:?} missing");
        }
    }

    #[test]
    fn every_vague_reason_but_empty_has_a_warning_in_each_language() {
        for language in LANGUAGES {
            assert_eq!(vague_subject(language, &VagueReason::Empty), None);
            for reason in [
                VagueReason::OnlyFillerWords,
                VagueReason::TooFewWords { words: 2 },
                VagueReason::OnlyWindowTitle,
            ] {
                let text = vague_subject(language, &reason).expect("a warning");
                assert!(text.len() > 20, "{text}");
            }
        }
        let one = vague_subject(Language::It, &VagueReason::TooFewWords { words: 1 });
        assert!(one.is_some_and(|t| t.contains("(1 parola)")));
    }

    #[test]
    fn send_blocked_names_the_numbers() {
        let text = send_blocked(
            Language::It,
            &DraftProblem::TooLarge {
                bytes: 30 * 1024 * 1024,
            },
        );
        assert!(text.contains("30 MiB") && text.contains("23 MiB"), "{text}");
        let text = send_blocked(
            Language::En,
            &DraftProblem::ContactEmailInvalid {
                email: "mario".into(),
            },
        );
        assert!(text.contains("\"mario\""), "{text}");
    }

    #[test]
    fn every_status_and_priority_has_distinct_words() {
        for language in LANGUAGES {
            let statuses: std::collections::BTreeSet<_> = TicketStatus::ALL
                .iter()
                .map(|s| status_name(language, *s))
                .collect();
            assert_eq!(statuses.len(), TicketStatus::ALL.len());
            let priorities: std::collections::BTreeSet<_> = Priority::ALL
                .iter()
                .map(|p| priority_name(language, *p))
                .collect();
            assert_eq!(priorities.len(), Priority::ALL.len());
        }
    }
}
