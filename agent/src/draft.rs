//! What a ticket-to-be is: the draft model and the rules a draft must meet before it may
//! leave the machine.
//!
//! A [`Draft`] is plain data. The compose window and `ppdesk-agent send` build one, the
//! [`crate::outbox`] stores it, and a [`crate::transport`] turns it into an API call, a mail
//! or an `.eml` file.

use std::fmt;

use chrono::{DateTime, Utc};
use ppdesk_shared::Priority;
use ppdesk_shared::api::MachineFacts;
use serde::{Deserialize, Serialize};

use ppdesk_shared::api::limits;

/// Largest total of screenshot plus attachments a draft may carry: the server's default request
/// limit minus room for the text fields. (Mailed, base64 makes it about a third larger: a relay
/// with a smaller limit refuses it, and the draft stays listed with the relay's words.)
pub const MAX_TOTAL_BYTES: usize =
    (limits::DEFAULT_MAX_REQUEST_BYTES - 2 * limits::MAX_TEXT_BYTES) as usize;

/// Largest single file (the server's default per-file limit).
pub const MAX_FILE_BYTES: usize = limits::DEFAULT_MAX_FILE_BYTES as usize;

/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = limits::MAX_TEXT_BYTES as usize;

/// Longest subject accepted, in characters (a subject is one line, not a description).
pub const MAX_SUBJECT_CHARS: usize = limits::MAX_SUBJECT_CHARS;

/// Longest category, in characters.
pub const MAX_CATEGORY_CHARS: usize = limits::MAX_CATEGORY_CHARS;

/// A draft's identity: unique per machine, sortable by creation time, safe as a file name.
/// Sent to the server as the submission id, so a retried draft never opens two tickets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DraftId(String);

impl DraftId {
    /// A new id for a draft created at `now`: `YYYYMMDDTHHMMSS-` plus 8 random hex digits.
    pub fn new(now: DateTime<Utc>) -> Self {
        let random: u32 = rand::random();
        Self(format!("{}-{random:08x}", now.format("%Y%m%dT%H%M%S")))
    }

    /// Accepts an id read back from disk, refusing anything that could escape a directory.
    pub fn parse(text: &str) -> Option<Self> {
        let safe = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        safe.then(|| Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DraftId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who asks for help.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

/// A file going along with the ticket. The bytes are kept by the outbox next to the draft.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name as the recipient sees it (no directory part).
    pub file_name: String,
    pub content_type: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Attachment {
    /// An attachment named after `file_name`'s last path component, typed by its extension.
    pub fn new(file_name: &str, bytes: Vec<u8>) -> Self {
        let file_name = safe_file_name(file_name);
        let content_type = content_type_for(&file_name).to_owned();
        Self {
            file_name,
            content_type,
            bytes,
        }
    }

    /// The screenshot, always `screenshot.png`.
    pub fn screenshot(png: Vec<u8>) -> Self {
        Self {
            file_name: "screenshot.png".into(),
            content_type: "image/png".into(),
            bytes: png,
        }
    }
}

/// A ticket as the user composed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: DraftId,
    pub created_at: DateTime<Utc>,
    pub subject: String,
    pub description: String,
    pub category: Option<String>,
    pub priority: Priority,
    pub contact: Contact,
    pub machine: MachineFacts,
    /// The screenshot as it will be sent: PNG, redaction already burned in.
    pub screenshot: Option<Attachment>,
    pub attachments: Vec<Attachment>,
}

/// Why a draft may not be sent yet. Each names the field the user has to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftProblem {
    SubjectMissing,
    SubjectTooLong { chars: usize },
    ContactEmailMissing,
    ContactEmailInvalid { email: String },
    TooLarge { bytes: usize },
    FileTooLarge { file_name: String, bytes: usize },
    DescriptionTooLong { bytes: usize },
    CategoryTooLong { chars: usize },
    ScreenshotNotPng,
}

impl DraftProblem {
    /// The field at fault, as the compose window and the CLI name it.
    pub fn field(&self) -> &'static str {
        match self {
            Self::SubjectMissing | Self::SubjectTooLong { .. } => "subject",
            Self::ContactEmailMissing | Self::ContactEmailInvalid { .. } => "contact_email",
            Self::TooLarge { .. } | Self::FileTooLarge { .. } => "attachments",
            Self::DescriptionTooLong { .. } => "description",
            Self::CategoryTooLong { .. } => "category",
            Self::ScreenshotNotPng => "screenshot",
        }
    }
}

impl fmt::Display for DraftProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SubjectMissing => write!(f, "subject: empty"),
            Self::SubjectTooLong { chars } => {
                write!(
                    f,
                    "subject: {chars} characters, at most {MAX_SUBJECT_CHARS}"
                )
            }
            Self::ContactEmailMissing => {
                write!(f, "contact email: missing (config [contact] email)")
            }
            Self::ContactEmailInvalid { email } => {
                write!(f, "contact email: {email:?} is not an address")
            }
            Self::TooLarge { bytes } => write!(
                f,
                "attachments: {} MiB in all, at most {} MiB",
                bytes / (1024 * 1024),
                MAX_TOTAL_BYTES / (1024 * 1024)
            ),
            Self::FileTooLarge { file_name, bytes } => write!(
                f,
                "attachments: {file_name} is {} MiB, at most {} MiB",
                bytes / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            Self::DescriptionTooLong { bytes } => write!(
                f,
                "description: {} KiB, at most {} KiB",
                bytes / 1024,
                MAX_DESCRIPTION_BYTES / 1024
            ),
            Self::CategoryTooLong { chars } => {
                write!(
                    f,
                    "category: {chars} characters, at most {MAX_CATEGORY_CHARS}"
                )
            }
            Self::ScreenshotNotPng => write!(f, "screenshot: not a PNG image"),
        }
    }
}

impl Draft {
    /// The subject on one line, trimmed: what every transport sends.
    pub fn clean_subject(&self) -> String {
        self.subject
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Total size of screenshot and attachments.
    pub fn payload_bytes(&self) -> usize {
        self.screenshot
            .iter()
            .chain(&self.attachments)
            .map(|a| a.bytes.len())
            .sum()
    }

    /// Every reason this draft may not be sent yet; empty when it may.
    pub fn problems(&self) -> Vec<DraftProblem> {
        let mut problems = Vec::new();
        let subject = self.clean_subject();
        if subject.is_empty() {
            problems.push(DraftProblem::SubjectMissing);
        } else if subject.chars().count() > MAX_SUBJECT_CHARS {
            problems.push(DraftProblem::SubjectTooLong {
                chars: subject.chars().count(),
            });
        }
        let email = self.contact.email.trim();
        if email.is_empty() {
            problems.push(DraftProblem::ContactEmailMissing);
        } else if !looks_like_address(email) {
            problems.push(DraftProblem::ContactEmailInvalid {
                email: email.to_owned(),
            });
        }
        if self.description.len() > MAX_DESCRIPTION_BYTES {
            problems.push(DraftProblem::DescriptionTooLong {
                bytes: self.description.len(),
            });
        }
        if let Some(chars) = self
            .category
            .as_deref()
            .map(|c| c.trim().chars().count())
            .filter(|&chars| chars > MAX_CATEGORY_CHARS)
        {
            problems.push(DraftProblem::CategoryTooLong { chars });
        }
        let bytes = self.payload_bytes();
        if bytes > MAX_TOTAL_BYTES {
            problems.push(DraftProblem::TooLarge { bytes });
        }
        for file in self.screenshot.iter().chain(&self.attachments) {
            if file.bytes.len() > MAX_FILE_BYTES {
                problems.push(DraftProblem::FileTooLarge {
                    file_name: file.file_name.clone(),
                    bytes: file.bytes.len(),
                });
            }
        }
        if let Some(shot) = &self.screenshot
            && !shot.bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        {
            problems.push(DraftProblem::ScreenshotNotPng);
        }
        problems
    }
}

/// `local@domain.tld`, no blanks, one `@`: enough to catch typing slips; the server and the
/// relay have the last word.
pub fn looks_like_address(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// The last path component of `name`, without characters that are unsafe in file names on
/// Windows or Linux; never empty.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "allegato".into()
    } else {
        cleaned
    }
}

/// MIME type from a file name's extension; `application/octet-stream` when unknown.
pub fn content_type_for(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            id: DraftId::new(Utc::now()),
            created_at: Utc::now(),
            subject: "  Stampante   ufficio 2\n offline ".into(),
            description: "Da stamattina".into(),
            category: Some("Stampanti".into()),
            priority: Priority::High,
            contact: Contact {
                name: "Mario Rossi".into(),
                email: "mario.rossi@acme.test".into(),
            },
            machine: MachineFacts::default(),
            screenshot: Some(Attachment::screenshot(b"\x89PNG\r\n\x1a\nrest".to_vec())),
            attachments: vec![],
        }
    }

    #[test]
    fn a_complete_draft_has_no_problems_and_a_one_line_subject() {
        let draft = draft();
        assert_eq!(draft.problems(), vec![]);
        assert_eq!(draft.clean_subject(), "Stampante ufficio 2 offline");
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut draft = draft();
        draft.subject = " \n ".into();
        draft.contact.email = "mario.rossi".into();
        draft.screenshot = Some(Attachment::screenshot(b"GIF89a".to_vec()));
        draft.attachments = vec![Attachment::new("big.bin", vec![0; MAX_TOTAL_BYTES + 1])];
        let fields: Vec<_> = draft.problems().iter().map(DraftProblem::field).collect();
        assert_eq!(
            fields,
            [
                "subject",
                "contact_email",
                "attachments",
                "attachments",
                "screenshot"
            ]
        );
    }

    #[test]
    fn what_the_server_would_refuse_is_refused_here_first() {
        let mut draft = draft();
        draft.attachments = vec![Attachment::new("video.mp4", vec![0; MAX_FILE_BYTES + 1])];
        draft.description = "x".repeat(MAX_DESCRIPTION_BYTES + 1);
        draft.category = Some("c".repeat(MAX_CATEGORY_CHARS + 1));
        let problems = draft.problems();
        assert!(
            problems.contains(&DraftProblem::FileTooLarge {
                file_name: "video.mp4".into(),
                bytes: MAX_FILE_BYTES + 1
            }),
            "{problems:?}"
        );
        let fields: Vec<_> = problems.iter().map(DraftProblem::field).collect();
        assert!(
            fields.contains(&"description") && fields.contains(&"category"),
            "{fields:?}"
        );
    }

    #[test]
    fn draft_ids_are_file_name_safe_and_parse_back() {
        let id = DraftId::new(Utc::now());
        assert_eq!(DraftId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(id.as_str().len(), "20261126T120405-".len() + 8);
        for bad in ["", "../etc", "a/b", "a b", "x".repeat(65).as_str()] {
            assert_eq!(DraftId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn attachment_names_lose_directories_and_unsafe_characters() {
        assert_eq!(
            safe_file_name("C:\\Users\\mario\\Desktop\\fattura?.pdf"),
            "fattura.pdf"
        );
        assert_eq!(safe_file_name("/home/mario/../.bashrc"), "bashrc");
        assert_eq!(safe_file_name("///"), "allegato");
        let attachment = Attachment::new("/tmp/Report.XLSX", vec![1]);
        assert_eq!(attachment.file_name, "Report.XLSX");
        assert!(attachment.content_type.contains("spreadsheetml"));
    }

    #[test]
    fn addresses_that_are_typing_slips_are_refused() {
        assert!(looks_like_address("anna.bianchi@acme.it"));
        for bad in [
            "anna",
            "@acme.it",
            "anna@acme",
            "anna@.it",
            "anna @acme.it",
            "a@b@c.it",
        ] {
            assert!(!looks_like_address(bad), "{bad}");
        }
    }
}
