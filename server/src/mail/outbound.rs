//! Outbound messages rendered to RFC 5322 bytes with mail-builder. The outbox stores the bytes,
//! so what is delivered after a retry is exactly what was decided in the transaction.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;

/// Everything an outbound mail says.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    pub from_name: &'a str,
    pub from_address: &'a str,
    pub to_name: Option<&'a str>,
    pub to_address: &'a str,
    pub subject: &'a str,
    /// Without angle brackets.
    pub message_id: &'a str,
    pub in_reply_to: Option<&'a str>,
    /// Oldest first, as RFC 5322 wants.
    pub references: &'a [String],
    pub text_body: &'a str,
    /// Sent by the system, not typed by a person: marked so that well-behaved robots stay quiet.
    pub automatic: bool,
    /// `it` or `en`.
    pub language: &'a str,
    /// Unix seconds.
    pub date: i64,
}

/// Renders the draft. Only fails if writing to memory fails, which it does not.
pub fn render(draft: &Draft<'_>) -> std::io::Result<Vec<u8>> {
    builder(draft).write_to_vec()
}

/// A file attached to an outbound mail.
#[derive(Debug, Clone, Copy)]
pub struct OutboundFile<'a> {
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// [`render`] with files attached (a technician's reply with a screenshot or a document).
pub fn render_with_files(
    draft: &Draft<'_>,
    files: &[OutboundFile<'_>],
) -> std::io::Result<Vec<u8>> {
    let mut builder = builder(draft);
    for file in files {
        builder = builder.attachment(file.content_type, file.filename, file.bytes);
    }
    builder.write_to_vec()
}

fn builder<'a>(draft: &Draft<'a>) -> MessageBuilder<'a> {
    let to: Address<'_> = match draft.to_name {
        Some(name) => (name, draft.to_address).into(),
        None => draft.to_address.into(),
    };
    let mut builder = MessageBuilder::new()
        .from((draft.from_name, draft.from_address))
        .to(to)
        .subject(draft.subject)
        .message_id(draft.message_id)
        .date(draft.date)
        .header("Content-Language", Raw::new(draft.language))
        .text_body(draft.text_body);
    if let Some(parent) = draft.in_reply_to {
        builder = builder.in_reply_to(parent);
    }
    if !draft.references.is_empty() {
        builder = builder.references(MessageId::new_list(
            draft.references.iter().map(|r| r.as_str()),
        ));
    }
    if draft.automatic {
        builder = builder
            .header("Auto-Submitted", Raw::new("auto-replied"))
            .header("X-Auto-Response-Suppress", Raw::new("All"))
            .header("Precedence", Raw::new("auto_reply"));
    }
    builder
}

/// References for a reply: the parent's references plus the parent, oldest first, capped so a
/// long thread does not grow the header without bound (RFC 5322 §3.6.4 allows trimming the middle).
pub fn references_for_reply(parent_references: &[String], parent_id: Option<&str>) -> Vec<String> {
    const KEEP: usize = 20;
    let mut refs: Vec<String> = parent_references.to_vec();
    if let Some(parent) = parent_id
        && !refs.iter().any(|r| r == parent)
    {
        refs.push(parent.to_string());
    }
    if refs.len() > KEEP {
        let first = refs[0].clone();
        let tail = refs.split_off(refs.len() - (KEEP - 1));
        refs = std::iter::once(first).chain(tail).collect();
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::inbound;

    #[test]
    fn an_automatic_threaded_mail_round_trips_through_our_parser() {
        let references = vec!["first@acme.it".to_string(), "second@acme.it".to_string()];
        let raw = render(&Draft {
            from_name: "Project++ Helpdesk",
            from_address: "helpdesk@projectpp.it",
            to_name: Some("Mario Rossi"),
            to_address: "mario.rossi@acme.it",
            subject: "#Standard# Ticket #[10000] Fattura è bloccata",
            message_id: "ppdesk.10000.ab.cd@projectpp.it",
            in_reply_to: Some("second@acme.it"),
            references: &references,
            text_body: "Gentile Mario Rossi,\nè tutto a posto.",
            automatic: true,
            language: "it",
            date: 1_700_000_000,
        })
        .expect("renders");
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("Auto-Submitted: auto-replied"));
        assert!(text.contains("X-Auto-Response-Suppress: All"));
        let parsed = inbound::parse(&raw).expect("parses back");
        assert_eq!(
            parsed.subject,
            "#Standard# Ticket #[10000] Fattura è bloccata"
        );
        assert_eq!(parsed.in_reply_to, vec!["second@acme.it"]);
        assert_eq!(parsed.references, references);
        assert_eq!(parsed.text_body, "Gentile Mario Rossi,\nè tutto a posto.");
        assert_eq!(
            parsed.machine.auto_submitted.as_deref(),
            Some("auto-replied")
        );
    }

    #[test]
    fn files_go_along_as_attachments() {
        let raw = render_with_files(
            &Draft {
                from_name: "Project++ Helpdesk",
                from_address: "helpdesk@projectpp.it",
                to_name: None,
                to_address: "mario.rossi@acme.it",
                subject: "#Standard# Ticket #[10000] Stampante",
                message_id: "ppdesk.10000.ab.cd@projectpp.it",
                in_reply_to: None,
                references: &[],
                text_body: "Ecco il driver.",
                automatic: false,
                language: "it",
                date: 1_700_000_000,
            },
            &[OutboundFile {
                filename: "driver.zip",
                content_type: "application/zip",
                bytes: b"PK\x03\x04 not really a zip",
            }],
        )
        .expect("renders");
        let parsed = inbound::parse(&raw).expect("parses back");
        assert_eq!(parsed.text_body, "Ecco il driver.");
        assert_eq!(parsed.attachments.len(), 1);
        assert_eq!(parsed.attachments[0].filename, "driver.zip");
        assert_eq!(parsed.attachments[0].bytes, b"PK\x03\x04 not really a zip");
    }

    #[test]
    fn reply_references_keep_the_root_and_the_newest() {
        let long: Vec<String> = (0..30).map(|i| format!("m{i}@x")).collect();
        let refs = references_for_reply(&long, Some("parent@x"));
        assert_eq!(refs.len(), 20);
        assert_eq!(refs[0], "m0@x");
        assert_eq!(refs.last().map(String::as_str), Some("parent@x"));
        assert_eq!(references_for_reply(&[], None), Vec::<String>::new());
    }
}
