//! An inbound RFC 5322 message turned into plain data: the only place that touches mail-parser.
//!
//! Everything downstream (machine-mail detection, correlation, routing, storage) works on
//! [`InboundMail`], so those rules can be tested without MIME.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// One mailbox: an address (always lower-cased) and the display name, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub address: String,
    pub name: Option<String>,
}

impl Mailbox {
    /// The domain part of the address, lower-cased ("" when there is none).
    pub fn domain(&self) -> &str {
        domain_of(&self.address)
    }
}

/// The domain part of an address ("" when there is no `@`).
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// A file carried by a message: a real attachment or an inline image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Inline parts (e.g. `cid:` images in the HTML body) are kept, but shown in place.
    pub inline: bool,
    pub content_id: Option<String>,
}

/// The headers that tell a robot from a person (RFC 3834, RFC 2369, de-facto autoresponder headers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineHeaders {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub x_autoreply: bool,
    pub x_autorespond: bool,
    pub list_id: bool,
    /// `Return-Path: <>`: the null sender of bounces and DSNs.
    pub null_return_path: bool,
    /// The top-level content type is `multipart/report` (a DSN or MDN).
    pub multipart_report: bool,
}

/// A parsed inbound message, as plain data.
#[derive(Debug, Clone, Default)]
pub struct InboundMail {
    /// Without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Option<Mailbox>,
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Decoded (encoded-words and legacy charsets already turned into UTF-8).
    pub subject: String,
    pub text_body: String,
    /// Raw HTML as sent; sanitise before showing it anywhere.
    pub html_body: Option<String>,
    pub attachments: Vec<InboundAttachment>,
    pub machine: MachineHeaders,
    pub content_language: Option<String>,
}

impl InboundMail {
    /// Every Message-ID this message points at: In-Reply-To first, then References newest first.
    pub fn referenced_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.in_reply_to.clone();
        for id in self.references.iter().rev() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    }

    /// Everyone the message was addressed to (To and CC).
    pub fn recipients(&self) -> impl Iterator<Item = &Mailbox> {
        self.to.iter().chain(self.cc.iter())
    }
}

/// Why a message could not be turned into an [`InboundMail`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseProblem {
    #[error("the message is empty")]
    Empty,
    #[error("not an RFC 5322 message: no header could be parsed")]
    NotAMessage,
    #[error("no sender: the From header is missing or has no address")]
    NoSender,
}

/// Parses raw bytes. Lenient as mail is: only a message we cannot attribute to anyone fails.
pub fn parse(raw: &[u8]) -> Result<InboundMail, ParseProblem> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseProblem::Empty);
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseProblem::NotAMessage)?;
    if message.headers().is_empty() {
        return Err(ParseProblem::NotAMessage);
    }

    // Who wrote it: From, else Sender, else Reply-To (as Zammad does). The envelope's
    // Return-Path is not enough: a message whose headers name no author (a program writing
    // `From: undisclosed-recipients:;`) waits in quarantine for a person to look at it.
    let from = message
        .from()
        .and_then(first_mailbox)
        .or_else(|| message.sender().and_then(first_mailbox))
        .or_else(|| message.reply_to().and_then(first_mailbox))
        .ok_or(ParseProblem::NoSender)?;

    let text_body = message
        .body_text(0)
        // Stored and shown with Unix line ends, whatever the wire used.
        .map(|body| body.replace("\r\n", "\n").trim_end().to_string())
        .unwrap_or_default();
    let html_body = message
        .html_bodies()
        .find(|part| part.is_text_html())
        .and_then(|part| part.text_contents())
        .map(str::to_string);

    let attachments = message
        .attachments()
        .enumerate()
        .map(|(index, part)| {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".to_string())
                .to_ascii_lowercase();
            let bytes = match part.message() {
                // A forwarded message is kept as the .eml it was.
                Some(inner) => inner.raw_message().to_vec(),
                None => part.contents().to_vec(),
            };
            let filename = part
                .attachment_name()
                .map(sanitize_filename)
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| default_filename(index, &content_type));
            let inline = part
                .content_disposition()
                .map(|cd| cd.is_inline())
                .unwrap_or(false)
                || (part.content_id().is_some() && part.attachment_name().is_none());
            InboundAttachment {
                filename,
                content_type,
                bytes,
                inline,
                content_id: part
                    .content_id()
                    .map(|id| id.trim_matches(['<', '>']).to_string()),
            }
        })
        .collect();

    let header_text = |name: &str| -> Option<String> {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let machine = MachineHeaders {
        auto_submitted: header_text("Auto-Submitted"),
        precedence: header_text("Precedence"),
        x_autoreply: message.header_raw("X-Autoreply").is_some(),
        x_autorespond: message.header_raw("X-Autorespond").is_some(),
        list_id: message.header_raw("List-Id").is_some(),
        null_return_path: message
            .header_raw("Return-Path")
            .is_some_and(|v| v.trim().trim_matches(['<', '>']).trim().is_empty()),
        multipart_report: message.root_part().content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        }),
    };

    Ok(InboundMail {
        message_id: message
            .message_id()
            .map(normalize_id)
            .filter(|id| !id.is_empty()),
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        from: Some(from),
        reply_to: message.reply_to().and_then(first_mailbox),
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        subject: undeclared_8bit_subject(raw, &message)
            .or_else(|| message.subject().map(str::to_string))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        text_body,
        html_body,
        attachments,
        machine,
        content_language: header_text("Content-Language"),
    })
}

/// A Subject sent as raw 8-bit bytes without encoded-words declares no charset, and its bytes
/// are often not UTF-8 (GBK, Shift_JIS, windows-1252 from old clients). mail-parser would read
/// them as Latin-1; instead the charset is guessed from the bytes themselves, the way browsers
/// guess undeclared pages. None when the header is valid UTF-8 or ASCII (mail-parser's reading
/// stands).
fn undeclared_8bit_subject(raw: &[u8], message: &mail_parser::Message<'_>) -> Option<String> {
    let header = message
        .headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case("Subject"))?;
    let value = raw.get(header.offset_start() as usize..header.offset_end() as usize)?;
    if std::str::from_utf8(value).is_ok() {
        return None;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(value, true);
    let (text, _, _) = detector
        .guess(None, chardetng::Utf8Detection::Allow)
        .decode(value);
    Some(text.into_owned())
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address.iter().find_map(to_mailbox)
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    address
        .map(|a| a.iter().filter_map(to_mailbox).collect())
        .unwrap_or_default()
}

fn to_mailbox(addr: &mail_parser::Addr<'_>) -> Option<Mailbox> {
    // Broken clients write `From: Big Bug bb@bug.com` (no brackets) or `From: "mario@acme.it"`
    // (a quoted address and nothing else); the address is still in there, so take it.
    let address = addr
        .address()
        .and_then(salvage_address)
        .or_else(|| addr.name().and_then(salvage_address))?;
    Some(Mailbox {
        address,
        name: addr
            .name()
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&address_of(n))),
    })
}

/// The first word of `text` that looks like an address, lower-cased, without quotes or brackets.
fn salvage_address(text: &str) -> Option<String> {
    text.split_whitespace()
        .map(|word| word.trim_matches(['"', '\'', '<', '>', ',', ';', '(', ')']))
        .find(|word| looks_like_address(word))
        .map(str::to_lowercase)
}

fn address_of(text: &str) -> String {
    salvage_address(text).unwrap_or_default()
}

/// One `@` with something on both sides and no spaces: enough to write back to.
fn looks_like_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![normalize_id(id)],
        HeaderValue::TextList(ids) => ids.iter().map(|id| normalize_id(id)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

/// Message-IDs are compared without brackets and surrounding space.
pub fn normalize_id(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).trim().to_string()
}

/// Names come from strangers: keep them printable and free of path separators.
pub(crate) fn sanitize_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '\0' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    trimmed.chars().take(200).collect()
}

pub(crate) fn default_filename(index: usize, content_type: &str) -> String {
    let extension = mime_guess::get_mime_extensions_str(content_type)
        .and_then(|exts| exts.first().copied())
        .unwrap_or("bin");
    let extension = if content_type == "message/rfc822" {
        "eml"
    } else {
        extension
    };
    format!("attachment-{}.{}", index + 1, extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_an_italian_encoded_word_subject_and_addresses() {
        let raw = b"From: =?iso-8859-1?Q?Mario_Rossi?= <Mario.Rossi@ACME.it>\r\n\
To: helpdesk@projectpp.it\r\nCc: Anna <anna@acme.it>\r\n\
Subject: =?iso-8859-1?Q?Fattura_non_=E8_emessa?=\r\n\
Message-ID: <abc@acme.it>\r\nReferences: <a@x> <b@y>\r\nIn-Reply-To: <b@y>\r\n\r\nCiao\r\n";
        let mail = parse(raw).expect("parses");
        assert_eq!(mail.subject, "Fattura non è emessa");
        let from = mail.from.clone().expect("sender");
        assert_eq!(from.address, "mario.rossi@acme.it");
        assert_eq!(from.name.as_deref(), Some("Mario Rossi"));
        assert_eq!(mail.cc[0].address, "anna@acme.it");
        assert_eq!(mail.message_id.as_deref(), Some("abc@acme.it"));
        assert_eq!(mail.referenced_ids(), vec!["b@y", "a@x"]);
        assert_eq!(mail.text_body, "Ciao");
    }

    #[test]
    fn a_message_without_sender_is_a_problem_not_a_panic() {
        assert_eq!(
            parse(b"Subject: hi\r\n\r\nbody").unwrap_err(),
            ParseProblem::NoSender
        );
        assert_eq!(parse(b"  \r\n").unwrap_err(), ParseProblem::Empty);
    }

    #[test]
    fn without_a_from_address_the_reply_to_or_a_quoted_address_answers() {
        let reply_to = parse(b"From: \"Io\" <>\r\nReply-To: <Vip@126.com>\r\nSubject: x\r\n\r\nb")
            .expect("parses");
        assert_eq!(
            reply_to.from.map(|m| m.address).as_deref(),
            Some("vip@126.com")
        );
        let quoted =
            parse(b"From: \"finance@loans.example\"\r\nSubject: x\r\n\r\nb").expect("parses");
        assert_eq!(
            quoted.from.map(|m| m.address).as_deref(),
            Some("finance@loans.example")
        );
        let unbracketed =
            parse(b"From: Big Bug bb@bug.com\r\nSubject: x\r\n\r\nb").expect("parses");
        assert_eq!(
            unbracketed.from.map(|m| m.address).as_deref(),
            Some("bb@bug.com")
        );
        let envelope_only = parse(b"Return-Path: <bot@acme.it>\r\nSubject: x\r\n\r\nb");
        assert_eq!(envelope_only.unwrap_err(), ParseProblem::NoSender);
    }

    #[test]
    fn recognises_null_return_path_and_reports() {
        let raw = b"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n";
        let mail = parse(raw).expect("parses");
        assert!(mail.machine.null_return_path);
        assert!(mail.machine.multipart_report);
    }

    #[test]
    fn attachment_names_cannot_escape_a_folder() {
        assert_eq!(sanitize_filename("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(default_filename(0, "image/png"), "attachment-1.png");
    }
}
