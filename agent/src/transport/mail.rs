//! The mail a draft becomes in the smtp and mailclient modes: what the server's ingestion then
//! turns into a ticket, like any customer's mail.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use ppdesk_shared::agent_config::Language;

use crate::catalog::outbox::{mail_labels, priority_name};
use crate::draft::Draft;

/// The Message-ID of a draft's mail: derived from the draft id, so a resent draft carries the
/// same one and the server recognises it as a duplicate.
pub fn message_id(draft: &Draft) -> String {
    let host: String = draft
        .machine
        .hostname
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect::<String>()
        .to_ascii_lowercase();
    let host = if host.is_empty() {
        "agent".into()
    } else {
        host
    };
    format!("{}.{host}@ppdesk-agent.invalid", draft.id)
}

/// The plain-text body: the description, then the facts a technician asks first.
pub fn body(draft: &Draft, language: Language) -> String {
    let labels = mail_labels(language);
    let machine = &draft.machine;
    let mut text = draft.description.trim_end().to_owned();
    text.push_str("\n\n-- \n");
    if let Some(category) = &draft.category {
        text.push_str(&format!("{}: {category}\n", labels.category));
    }
    text.push_str(&format!(
        "{}: {}\n",
        labels.priority,
        priority_name(language, draft.priority)
    ));
    text.push_str(&format!("{}: {}\n", labels.computer, machine.hostname));
    text.push_str(&format!("{}: {}\n", labels.system, machine.os));
    text.push_str(&format!("{}: {}\n", labels.user, machine.user));
    if !machine.screens.is_empty() {
        text.push_str(&format!(
            "{}: {}\n",
            labels.screens,
            machine.screens.join(", ")
        ));
    }
    if let Some(window) = &machine.active_window {
        text.push_str(&format!("{}: {window}\n", labels.active_window));
    }
    text.push_str(&format!("{} {}\n", labels.sent_by, machine.agent_version));
    text
}

/// The full message. `unsent` marks it as a draft for the mail client (`X-Unsent: 1`: Outlook
/// and Thunderbird open it ready to send rather than as a received mail).
pub fn render(
    draft: &Draft,
    to: &str,
    language: Language,
    unsent: bool,
) -> std::io::Result<Vec<u8>> {
    let contact = &draft.contact;
    let from = Address::new_address(
        (!contact.name.trim().is_empty()).then(|| contact.name.trim().to_owned()),
        contact.email.trim().to_owned(),
    );
    let machine_json = serde_json::to_vec_pretty(&draft.machine).unwrap_or_default();
    let mut message = MessageBuilder::new()
        .from(from)
        .to(to.to_owned())
        .subject(draft.clean_subject())
        .message_id(message_id(draft))
        .date(draft.created_at.timestamp())
        .header(
            "X-Priority",
            Raw::new(match draft.priority {
                ppdesk_shared::Priority::Urgent => "1",
                ppdesk_shared::Priority::High => "2",
                ppdesk_shared::Priority::Normal => "3",
                ppdesk_shared::Priority::Low => "5",
            }),
        )
        .header(
            "X-Mailer",
            Raw::new(concat!("ppdesk-agent/", env!("CARGO_PKG_VERSION"))),
        )
        .text_body(body(draft, language));
    if unsent {
        message = message.header("X-Unsent", Raw::new("1"));
    }
    for file in draft.screenshot.iter().chain(&draft.attachments) {
        message = message.attachment(
            file.content_type.clone(),
            file.file_name.clone(),
            file.bytes.clone(),
        );
    }
    message = message.attachment("application/json", "machine.json", machine_json);
    message.write_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{Attachment, Contact, DraftId};
    use chrono::Utc;
    use mail_parser::MimeHeaders;
    use ppdesk_shared::Priority;
    use ppdesk_shared::api::MachineFacts;

    fn draft() -> Draft {
        Draft {
            id: DraftId::parse("20261126T120405-9f3a1c2b").expect("valid id"),
            created_at: Utc::now(),
            subject: "Stampante ufficio 2 non stampa".into(),
            description: "Da stamattina la stampante dà errore 0x80.".into(),
            category: Some("Stampanti".into()),
            priority: Priority::High,
            contact: Contact {
                name: "Mario Rossi".into(),
                email: "mario.rossi@acme.test".into(),
            },
            machine: MachineFacts {
                hostname: "PC-MARIO".into(),
                os: "Windows 11 Pro".into(),
                agent_version: "0.1.0".into(),
                user: "mario".into(),
                screens: vec!["1920x1080+0+0".into()],
                active_window: Some("Gestionale - Fattura 123".into()),
            },
            screenshot: Some(Attachment::screenshot(b"\x89PNG\r\n\x1a\nfake".to_vec())),
            attachments: vec![Attachment::new("log.txt", b"riga 1\n".to_vec())],
        }
    }

    #[test]
    fn the_mail_carries_everything_the_ticket_needs() {
        let bytes =
            render(&draft(), "assistenza@ppdesk.test", Language::It, false).expect("renders");
        let parsed = mail_parser::MessageParser::default()
            .parse(&bytes)
            .expect("parses back");
        assert_eq!(parsed.subject(), Some("Stampante ufficio 2 non stampa"));
        assert_eq!(
            parsed.message_id(),
            Some("20261126T120405-9f3a1c2b.pc-mario@ppdesk-agent.invalid")
        );
        let body = parsed.body_text(0).expect("a text body");
        assert!(body.contains("errore 0x80"), "{body}");
        assert!(body.contains("Priorità: Alta"), "{body}");
        assert!(
            body.contains("Finestra attiva: Gestionale - Fattura 123"),
            "{body}"
        );
        let names: Vec<_> = parsed
            .attachments()
            .filter_map(|a| a.attachment_name().map(str::to_owned))
            .collect();
        assert_eq!(names, ["screenshot.png", "log.txt", "machine.json"]);
        assert!(parsed.header("X-Unsent").is_none());
    }

    #[test]
    fn a_mail_client_draft_is_marked_unsent() {
        let bytes =
            render(&draft(), "assistenza@ppdesk.test", Language::En, true).expect("renders");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("X-Unsent: 1\r\n"), "{text}");
        assert!(text.contains("Priority: High"), "{text}");
    }
}
