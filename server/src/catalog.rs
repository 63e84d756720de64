//! Every sentence the server writes to a person, in Italian (the default) and English.
//!
//! Kept in one place so a translator reads one file, and so no user-facing literal hides in the
//! mail or ticket code. Each function takes plain facts and returns finished text.

use crate::api::{ApiProblem, Invalid};
use crate::config::Locale;
use crate::config::size::format_size;

/// Why an acknowledgement is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckReason {
    /// A new ticket.
    Created,
    /// A resolved ticket reopened by the customer's reply.
    Reopened,
    /// A reply to a ticket closed too long ago (or cancelled) opened this new one.
    LinkedTo {
        previous_tag: String,
        window_days: u32,
    },
}

/// The facts an acknowledgement states.
#[derive(Debug, Clone)]
pub struct AckText<'a> {
    pub requester_name: Option<&'a str>,
    pub tag: &'a str,
    pub subject: &'a str,
    pub sector: &'a str,
    pub portal_link: &'a str,
    pub helpdesk_address: &'a str,
    pub helpdesk_name: &'a str,
    pub phone: Option<&'a str>,
    pub reason: AckReason,
    /// Staff addresses were in CC: remind the sender of the rule.
    pub staff_in_cc: bool,
}

/// The body of an acknowledgement.
pub fn acknowledgement(locale: Locale, facts: &AckText<'_>) -> String {
    let mut out = String::new();
    match locale {
        Locale::It => {
            out += &format!("Gentile {},\n\n", facts.requester_name.unwrap_or("Cliente"));
            match &facts.reason {
                AckReason::Created => {
                    out += &format!(
                        "abbiamo preso in carico la sua richiesta e aperto il ticket {}.\n",
                        facts.tag
                    )
                }
                AckReason::Reopened => {
                    out += &format!(
                        "la sua risposta ha riaperto il ticket {}: lo abbiamo di nuovo in carico.\n",
                        facts.tag
                    )
                }
                AckReason::LinkedTo {
                    previous_tag,
                    window_days,
                } => {
                    out += &format!(
                        "il ticket {previous_tag} è chiuso da più di {window_days} giorni o annullato, \
                     quindi la sua risposta ha aperto il nuovo ticket {}, collegato al precedente.\n",
                        facts.tag
                    )
                }
            }
            out += &format!(
                "\nOggetto: {}\nSettore incaricato: {}\n",
                facts.subject, facts.sector
            );
            out += &format!(
                "\nPuò seguire lo stato del ticket e rispondere dal portale:\n{}\n",
                facts.portal_link
            );
            out += &format!(
                "\nIMPORTANTE: in tutte le risposte non elimini l'indirizzo {} (né da A né da CC) \
                 e non tolga dall'oggetto i tag {} (inclusi i simboli #): servono ad associare \
                 ogni comunicazione a questo ticket, senza aprirne uno nuovo inutilmente.\n",
                facts.helpdesk_address, facts.tag
            );
            if facts.staff_in_cc {
                out += &format!(
                    "\nNota: ha messo in copia indirizzi del nostro personale. Per le richieste di \
                     assistenza scriva unicamente a {}, senza altri indirizzi del personale in CC; \
                     gli indirizzi esterni vanno messi solo in CCN.\n",
                    facts.helpdesk_address
                );
            }
            out += &format!("\nCordiali saluti,\n{}\n", facts.helpdesk_name);
            if let Some(phone) = facts.phone {
                out += &format!("Assistenza telefonica: {phone}\n");
            }
            out += "\n-- \nMessaggio automatico di conferma.\n";
        }
        Locale::En => {
            out += &format!("Dear {},\n\n", facts.requester_name.unwrap_or("customer"));
            match &facts.reason {
                AckReason::Created => {
                    out += &format!(
                        "we have received your request and opened ticket {}.\n",
                        facts.tag
                    )
                }
                AckReason::Reopened => {
                    out += &format!(
                        "your reply has reopened ticket {}: we are working on it again.\n",
                        facts.tag
                    )
                }
                AckReason::LinkedTo {
                    previous_tag,
                    window_days,
                } => {
                    out += &format!(
                        "ticket {previous_tag} was closed more than {window_days} days ago or \
                     cancelled, so your reply opened the new ticket {}, linked to it.\n",
                        facts.tag
                    )
                }
            }
            out += &format!(
                "\nSubject: {}\nSector in charge: {}\n",
                facts.subject, facts.sector
            );
            out += &format!(
                "\nYou can follow the ticket and reply on the portal:\n{}\n",
                facts.portal_link
            );
            out += &format!(
                "\nIMPORTANT: in every reply keep the address {} (in To or CC) and keep the tags \
                 {} in the subject (including the # signs): they link every message to this \
                 ticket instead of opening a needless new one.\n",
                facts.helpdesk_address, facts.tag
            );
            if facts.staff_in_cc {
                out += &format!(
                    "\nNote: you copied members of our staff. Please write to {} only, with no \
                     other staff addresses in CC; put external addresses in BCC only.\n",
                    facts.helpdesk_address
                );
            }
            out += &format!("\nKind regards,\n{}\n", facts.helpdesk_name);
            if let Some(phone) = facts.phone {
                out += &format!("Phone support: {phone}\n");
            }
            out += "\n-- \nThis is an automatic confirmation.\n";
        }
    }
    out
}

/// The footer under a technician's reply: how to keep answering in the thread.
pub fn reply_footer(locale: Locale, tag: &str, helpdesk_address: &str) -> String {
    match locale {
        Locale::It => format!(
            "\n\n-- \nPer rispondere mantenga l'indirizzo {helpdesk_address} e i tag {tag} \
             nell'oggetto.\n"
        ),
        Locale::En => format!(
            "\n\n-- \nTo answer, keep the address {helpdesk_address} and the tags {tag} in the \
             subject.\n"
        ),
    }
}

/// The notice sent when a technician resolves a ticket.
pub fn resolution_notice(
    locale: Locale,
    tag: &str,
    reason: Option<&str>,
    reopen_until: &str,
) -> String {
    match locale {
        Locale::It => {
            let mut out = format!("Il ticket {tag} è stato risolto.\n");
            if let Some(reason) = reason {
                out += &format!("\nMotivazione: {reason}\n");
            }
            out += &format!(
                "\nSe il problema non è risolto, risponda a questa email o usi \"Riapri il \
                 ticket\" sul portale entro il {reopen_until}.\n"
            );
            out
        }
        Locale::En => {
            let mut out = format!("Ticket {tag} has been resolved.\n");
            if let Some(reason) = reason {
                out += &format!("\nReason: {reason}\n");
            }
            out += &format!(
                "\nIf the problem persists, reply to this email or use \"Reopen ticket\" on the \
                 portal until {reopen_until}.\n"
            );
            out
        }
    }
}

/// The notice to a duplicate's requester: their request continues on another ticket (a merge,
/// or a "tag from a stranger" message a technician appended to the ticket it named).
pub fn merge_notice(
    locale: Locale,
    old_tag: &str,
    new_tag: &str,
    portal_link: &str,
    helpdesk_address: &str,
) -> String {
    match locale {
        Locale::It => format!(
            "La sua richiesta {old_tag} è stata unita al ticket {new_tag}, che tratta lo stesso \
             problema: la seguiremo lì.\n\nPuò seguire il ticket e rispondere dal portale:\n\
             {portal_link}\n\nNelle risposte mantenga l'indirizzo {helpdesk_address} e i tag \
             {new_tag} nell'oggetto.\n"
        ),
        Locale::En => format!(
            "Your request {old_tag} has been merged into ticket {new_tag}, which deals with the \
             same problem: we will follow it up there.\n\nYou can follow the ticket and reply on \
             the portal:\n{portal_link}\n\nIn your replies keep the address {helpdesk_address} \
             and the tags {new_tag} in the subject.\n"
        ),
    }
}

/// The ticket subject used when a message has none.
pub fn no_subject(locale: Locale) -> &'static str {
    match locale {
        Locale::It => "(senza oggetto)",
        Locale::En => "(no subject)",
    }
}

/// The language of an API answer: the first of `it`/`en` in an `Accept-Language` header (its
/// order, weights ignored), else `default`.
pub fn negotiate(accept_language: Option<&str>, default: Locale) -> Locale {
    accept_language
        .into_iter()
        .flat_map(|header| header.split(','))
        .filter_map(|entry| {
            let tag = entry.split(';').next()?.trim();
            let primary = tag.split(['-', '_']).next()?;
            primary.parse::<Locale>().ok()
        })
        .next()
        .unwrap_or(default)
}

/// Why an API request was refused, in words the agent can show its user.
pub fn api_problem(locale: Locale, problem: &ApiProblem) -> String {
    match locale {
        Locale::It => match problem {
            ApiProblem::Unauthorized => "Token di accesso mancante, sconosciuto o revocato: \
                invii il token dell'organizzazione nell'intestazione \
                «Authorization: Bearer …»."
                .to_string(),
            ApiProblem::BadForm { detail } => {
                format!("La richiesta non è un modulo multipart/form-data leggibile ({detail}).")
            }
            ApiProblem::Missing { field } => format!("Il campo «{field}» è obbligatorio."),
            ApiProblem::Repeated { field } => {
                format!("Il campo «{field}» può comparire una sola volta.")
            }
            ApiProblem::Invalid { field, reason } => {
                let why = match reason {
                    Invalid::NotText => "non è testo UTF-8".to_string(),
                    Invalid::MultipleLines => "deve essere una sola riga".to_string(),
                    Invalid::ControlCharacters => "contiene caratteri di controllo".to_string(),
                    Invalid::TooLong { max_chars } => format!("supera i {max_chars} caratteri"),
                    Invalid::NotAnEmail => "non è un indirizzo email (nome@dominio)".to_string(),
                    Invalid::UnknownPriority { value } => format!(
                        "priorità «{value}» sconosciuta (low, normal, high, urgent, oppure \
                         bassa, normale, alta, urgente)"
                    ),
                    Invalid::Json { detail } => format!("JSON non valido: {detail}"),
                    Invalid::BadSubmissionId => {
                        "servono da 1 a 128 caratteri ASCII stampabili, senza spazi".to_string()
                    }
                };
                format!("Il campo «{field}» non è valido: {why}.")
            }
            ApiProblem::NotPng => {
                "Lo screenshot deve essere un'immagine PNG (il contenuto non lo è).".to_string()
            }
            ApiProblem::TooLarge { field, limit } => {
                let size = format_size(*limit);
                match field {
                    None => format!("La richiesta supera il limite di {size} ({limit} byte)."),
                    Some(field) => format!(
                        "Il campo «{field}» supera il limite di {size} ({limit} byte) per parte."
                    ),
                }
            }
            ApiProblem::Unavailable => "Il servizio non può accettare la richiesta in questo \
                momento: la invii di nuovo più tardi."
                .to_string(),
        },
        Locale::En => match problem {
            ApiProblem::Unauthorized => "Missing, unknown or revoked access token: send the \
                organisation's token as \"Authorization: Bearer …\"."
                .to_string(),
            ApiProblem::BadForm { detail } => {
                format!("The request is not a readable multipart/form-data form ({detail}).")
            }
            ApiProblem::Missing { field } => format!("The field \"{field}\" is required."),
            ApiProblem::Repeated { field } => {
                format!("The field \"{field}\" may appear only once.")
            }
            ApiProblem::Invalid { field, reason } => {
                let why = match reason {
                    Invalid::NotText => "it is not UTF-8 text".to_string(),
                    Invalid::MultipleLines => "it must be one line".to_string(),
                    Invalid::ControlCharacters => "it contains control characters".to_string(),
                    Invalid::TooLong { max_chars } => {
                        format!("it is longer than {max_chars} characters")
                    }
                    Invalid::NotAnEmail => "it is not an email address (name@domain)".to_string(),
                    Invalid::UnknownPriority { value } => {
                        format!("unknown priority \"{value}\" (low, normal, high or urgent)")
                    }
                    Invalid::Json { detail } => format!("invalid JSON: {detail}"),
                    Invalid::BadSubmissionId => {
                        "it must be 1 to 128 printable ASCII characters without spaces".to_string()
                    }
                };
                format!("The field \"{field}\" is not valid: {why}.")
            }
            ApiProblem::NotPng => {
                "The screenshot must be a PNG image (its content is not).".to_string()
            }
            ApiProblem::TooLarge { field, limit } => {
                let size = format_size(*limit);
                match field {
                    None => format!("The request exceeds the limit of {size} ({limit} bytes)."),
                    Some(field) => format!(
                        "The field \"{field}\" exceeds the limit of {size} ({limit} bytes) per \
                         part."
                    ),
                }
            }
            ApiProblem::Unavailable => "The service cannot take the request right now: send it \
                again later."
                .to_string(),
        },
    }
}

/// A moment as people of the locale write it, in the helpdesk's time zone `tz` (the one its
/// business hours are set in), named, since a mail may be read elsewhere: "12/12/2026 14:00 CET".
pub fn date(locale: Locale, tz: chrono_tz::Tz, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&tz);
    match locale {
        Locale::It => local.format("%d/%m/%Y %H:%M %Z").to_string(),
        Locale::En => local.format("%Y-%m-%d %H:%M %Z").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(reason: AckReason, staff_in_cc: bool) -> AckText<'static> {
        AckText {
            requester_name: Some("Mario Rossi"),
            tag: "#Standard# Ticket #[10000]",
            subject: "Problema emissione fatture",
            sector: "Mago",
            portal_link: "http://127.0.0.1:8080/tickets/10000",
            helpdesk_address: "helpdesk@projectpp.it",
            helpdesk_name: "Project++ Helpdesk",
            phone: Some("0881.666679"),
            reason,
            staff_in_cc,
        }
    }

    #[test]
    fn the_italian_acknowledgement_states_everything_the_procedure_promises() {
        let body = acknowledgement(Locale::It, &facts(AckReason::Created, false));
        for needle in [
            "Gentile Mario Rossi",
            "#Standard# Ticket #[10000]",
            "Settore incaricato: Mago",
            "http://127.0.0.1:8080/tickets/10000",
            "helpdesk@projectpp.it",
            "0881.666679",
        ] {
            assert!(body.contains(needle), "missing {needle:?} in\n{body}");
        }
        assert!(!body.contains("CCN"));
        let with_cc = acknowledgement(Locale::It, &facts(AckReason::Created, true));
        assert!(with_cc.contains("CCN"));
    }

    #[test]
    fn api_refusals_name_the_field_and_the_limit_in_both_languages() {
        let missing = ApiProblem::Missing {
            field: "subject".into(),
        };
        assert!(api_problem(Locale::It, &missing).contains("«subject»"));
        assert!(api_problem(Locale::En, &missing).contains("\"subject\""));
        let too_large = ApiProblem::TooLarge {
            field: None,
            limit: 25 * 1024 * 1024,
        };
        for locale in [Locale::It, Locale::En] {
            let text = api_problem(locale, &too_large);
            assert!(text.contains("25 MiB"), "{text}");
            assert!(text.contains("26214400"), "{text}");
        }
    }

    #[test]
    fn the_answer_language_follows_accept_language() {
        assert_eq!(negotiate(None, Locale::It), Locale::It);
        assert_eq!(negotiate(Some("en-GB,en;q=0.9"), Locale::It), Locale::En);
        assert_eq!(negotiate(Some("de-DE, it;q=0.5"), Locale::En), Locale::It);
        assert_eq!(negotiate(Some("fr"), Locale::En), Locale::En);
    }

    #[test]
    fn the_merge_notice_gives_the_new_number_in_both_languages() {
        for locale in [Locale::It, Locale::En] {
            let text = merge_notice(
                locale,
                "#Standard# Ticket #[10001]",
                "#Standard# Ticket #[10000]",
                "http://127.0.0.1:8080/portal/tickets/10000",
                "helpdesk@projectpp.it",
            );
            for needle in [
                "#[10001]",
                "#[10000]",
                "/portal/tickets/10000",
                "helpdesk@projectpp.it",
            ] {
                assert!(
                    text.contains(needle),
                    "{locale:?}: missing {needle:?} in\n{text}"
                );
            }
        }
    }

    #[test]
    fn english_and_the_linked_ticket_note() {
        let reason = AckReason::LinkedTo {
            previous_tag: "#Standard# Ticket #[09999]".into(),
            window_days: 7,
        };
        let body = acknowledgement(Locale::En, &facts(reason, true));
        assert!(body.contains("Sector in charge: Mago"));
        assert!(body.contains("#Standard# Ticket #[09999]"));
        assert!(body.contains("BCC"));
    }
}
