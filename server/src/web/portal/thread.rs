//! What of a ticket's thread a customer sees, and how the portal shows it.
//!
//! A customer sees the mail exchanged with them and their own portal messages: inbound and
//! outbound messages only. Never the support team's internal lines (technicians' notes, the
//! console's change records: direction `internal`, kinds `note` and `event`), and not the
//! machine mail recorded on the ticket (auto-replies, bounces). The same rule decides which
//! attachments a customer may download.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::Locale;
use crate::mail::html::attachment_path;
use crate::views::{AttachmentView, MessageView, visible_to_customer};
use crate::web::texts::{Texts, fill};

/// Whether a customer may see a message of this direction and kind (and its attachments).
pub fn customer_sees(direction: &str, kind: &str) -> bool {
    matches!(direction, "inbound" | "outbound")
        && visible_to_customer(direction)
        && !matches!(kind, "note" | "event" | "auto_reply" | "bounce")
}

/// Image types a browser shows inline without risk (no SVG: it can carry script).
pub fn is_inline_image(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// Whether the bytes really are the image type they claim (served inline only then).
pub fn bytes_match_image(content_type: &str, bytes: &[u8]) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

/// A size for people: `512 B`, `12 KB`, `3.4 MB`.
pub fn approx_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", (b / KB).ceil())
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

/// A date and time as the reader reads it, in the helpdesk's time zone.
pub fn local_time(locale: Locale, tz: Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    match locale {
        Locale::It => local.format("%d/%m/%Y %H:%M").to_string(),
        Locale::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// [`local_time`] of an RFC 3339 time as the read models give it.
pub fn local_time_of(locale: Locale, tz: Tz, rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|at| local_time(locale, tz, at.with_timezone(&Utc)))
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// A downloadable file as a page links it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileItem {
    /// `/attachments/{id}`.
    pub href: String,
    pub name: String,
    pub size: String,
}

/// One message as the portal shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageItem {
    /// Written by support (a reply, a notice, a technician's mail).
    pub from_support: bool,
    /// What kind of message it is, when it is not simply the customer's.
    pub label: Option<&'static str>,
    /// Who wrote it.
    pub author: String,
    /// When, in the reader's words.
    pub date: String,
    /// The mail's HTML, sanitised (`mail::html::for_page`): safe to insert.
    pub html: Option<String>,
    /// The plain text (shown when there is no HTML).
    pub text: String,
    /// Screenshots and pictures shown in the thread (not already inside the HTML).
    pub images: Vec<FileItem>,
    /// Other files, to download.
    pub files: Vec<FileItem>,
    /// Files over the size limit, already worded.
    pub omitted: Vec<String>,
}

/// The messages a customer sees, oldest first, ready for the page.
pub fn customer_thread(
    messages: &[MessageView],
    t: &Texts,
    tz: Tz,
    helpdesk_name: &str,
) -> Vec<MessageItem> {
    messages
        .iter()
        .filter(|m| customer_sees(&m.direction, &m.kind))
        .map(|m| message_item(m, t, tz, helpdesk_name))
        .collect()
}

fn message_item(m: &MessageView, t: &Texts, tz: Tz, helpdesk_name: &str) -> MessageItem {
    let p = t.portal;
    let label = match (m.direction.as_str(), m.kind.as_str()) {
        ("outbound", "reply") => Some(p.kind_reply),
        ("outbound", "acknowledgement") => Some(p.kind_acknowledgement),
        ("outbound", _) => Some(p.kind_notification),
        (_, "technician") => Some(p.kind_technician),
        _ => None,
    };
    let from_support = m.direction == "outbound" || m.kind == "technician";
    let author = if m.direction == "outbound" {
        helpdesk_name.to_string()
    } else {
        match &m.from_name {
            Some(name) if !name.trim().is_empty() => format!("{name} <{}>", m.from),
            _ => m.from.clone(),
        }
    };
    let mut item = MessageItem {
        from_support,
        label,
        author,
        date: local_time_of(t.locale, tz, &m.created_at),
        html: m.html_body.clone(),
        text: m.text_body.trim().to_string(),
        images: Vec::new(),
        files: Vec::new(),
        omitted: Vec::new(),
    };
    for a in &m.attachments {
        if a.omitted {
            item.omitted
                .push(fill(p.attachment_omitted, &[("file", &a.filename)]));
            continue;
        }
        let file = file_item(a);
        let shown_in_html = item
            .html
            .as_deref()
            .is_some_and(|html| html.contains(&format!("src=\"{}\"", file.href)));
        if shown_in_html {
            continue;
        }
        if is_inline_image(&a.content_type) {
            item.images.push(file);
        } else {
            item.files.push(file);
        }
    }
    item
}

fn file_item(a: &AttachmentView) -> FileItem {
    FileItem {
        href: attachment_path(a.id),
        name: a.filename.clone(),
        size: approx_size(a.size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::texts::texts;

    fn message(direction: &str, kind: &str, text: &str) -> MessageView {
        MessageView {
            direction: direction.into(),
            kind: kind.into(),
            from: "mario@acme.it".into(),
            from_name: Some("Mario".into()),
            to: vec![],
            cc: vec![],
            subject: "s".into(),
            message_id: None,
            text_body: text.into(),
            html_body: None,
            attachments: vec![],
            created_at: "2026-11-02T09:00:00Z".into(),
        }
    }

    fn attachment(id: i64, name: &str, content_type: &str) -> AttachmentView {
        AttachmentView {
            id,
            filename: name.into(),
            content_type: content_type.into(),
            size: 2048,
            sha256: "x".into(),
            inline: false,
            omitted: false,
        }
    }

    #[test]
    fn internal_lines_and_machine_mail_are_never_shown() {
        assert!(customer_sees("inbound", "customer"));
        assert!(customer_sees("inbound", "technician"));
        for kind in ["acknowledgement", "reply", "notification"] {
            assert!(customer_sees("outbound", kind), "{kind}");
        }
        assert!(!customer_sees("internal", "note"));
        assert!(!customer_sees("internal", "event"));
        assert!(!customer_sees("internal", "reply"));
        // A note however it was stored, and anything of an unknown direction.
        assert!(!customer_sees("inbound", "note"));
        assert!(!customer_sees("outbound", "note"));
        assert!(!customer_sees("", "customer"));
        assert!(!customer_sees("inbound", "auto_reply"));
        assert!(!customer_sees("inbound", "bounce"));
    }

    #[test]
    fn the_thread_leaves_notes_out_and_labels_support() {
        let t = texts(Locale::It);
        let messages = vec![
            message("inbound", "customer", "Buongiorno"),
            message("internal", "note", "Cliente difficile, richiamare"),
            message("outbound", "reply", "Provi ora"),
        ];
        let thread = customer_thread(&messages, &t, chrono_tz::Europe::Rome, "Helpdesk");
        assert_eq!(thread.len(), 2);
        assert!(thread.iter().all(|m| !m.text.contains("richiamare")));
        assert_eq!(thread[0].author, "Mario <mario@acme.it>");
        assert_eq!(thread[0].label, None);
        assert_eq!(thread[0].date, "02/11/2026 10:00");
        assert_eq!(thread[1].author, "Helpdesk");
        assert_eq!(thread[1].label, Some("Risposta del supporto"));
        assert!(thread[1].from_support);
    }

    #[test]
    fn screenshots_show_inline_and_other_files_download() {
        let t = texts(Locale::En);
        let mut m = message("inbound", "customer", "see picture");
        m.attachments = vec![
            attachment(1, "schermata.png", "image/png"),
            attachment(2, "fattura.pdf", "application/pdf"),
            attachment(3, "disegno.svg", "image/svg+xml"),
            AttachmentView {
                omitted: true,
                ..attachment(4, "enorme.zip", "application/zip")
            },
        ];
        let item = &customer_thread(&[m], &t, chrono_tz::Europe::Rome, "H")[0];
        assert_eq!(
            item.images,
            vec![FileItem {
                href: "/attachments/1".into(),
                name: "schermata.png".into(),
                size: "2 KB".into()
            }]
        );
        let files: Vec<&str> = item.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(files, ["fattura.pdf", "disegno.svg"]);
        assert_eq!(item.omitted.len(), 1);
        assert!(item.omitted[0].contains("enorme.zip"));
    }

    #[test]
    fn an_image_already_in_the_html_is_not_repeated() {
        let t = texts(Locale::It);
        let mut m = message("inbound", "customer", "logo");
        m.html_body = Some("<p><img src=\"/attachments/5\"></p>".into());
        m.attachments = vec![attachment(5, "logo.png", "image/png")];
        let item = &customer_thread(&[m], &t, chrono_tz::Europe::Rome, "H")[0];
        assert!(item.images.is_empty());
        assert!(item.files.is_empty());
    }

    #[test]
    fn only_real_images_are_inline() {
        assert!(is_inline_image("image/PNG"));
        assert!(is_inline_image("image/jpeg; name=x.jpg"));
        assert!(!is_inline_image("image/svg+xml"));
        assert!(!is_inline_image("text/html"));
        assert!(bytes_match_image("image/png", b"\x89PNG\r\n\x1a\nrest"));
        assert!(!bytes_match_image("image/png", b"<html><script>"));
        assert!(bytes_match_image("image/gif", b"GIF89a..."));
        assert!(bytes_match_image("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!bytes_match_image("image/svg+xml", b"<svg"));
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(approx_size(512), "512 B");
        assert_eq!(approx_size(2048), "2 KB");
        assert_eq!(approx_size(3 * 1024 * 1024 + 400 * 1024), "3.4 MB");
    }
}
