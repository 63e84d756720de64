//! What a `POST /api/v1/tickets` form means: which parts are required, what each may contain,
//! how large each may be. Plain functions over the parts as read off the wire; the first rule
//! broken is the refusal.
//!
//! Fields not in [`form`] are ignored (and named in [`Submission::ignored`] for the log), so an
//! agent newer than the server still opens its tickets.

use ppdesk_shared::api::{MachineFacts, form};
use ppdesk_shared::ticket::Priority;

use super::{ApiProblem, Invalid, one_line_problem};
use crate::config::{ApiConfig, is_valid_email};
use crate::mail::inbound::{default_filename, sanitize_filename};

pub use ppdesk_shared::api::limits::{MAX_CATEGORY_CHARS, MAX_SUBJECT_CHARS, MAX_TEXT_BYTES};
/// Longest contact name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest submission id, in characters.
pub const MAX_SUBMISSION_ID_CHARS: usize = 128;

/// The 8 bytes every PNG file starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// One part of the form, as read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    /// The `filename` of its Content-Disposition, if any.
    pub file_name: Option<String>,
    /// Its declared Content-Type, if any.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A file that came with a submission, named and typed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedFile {
    /// Safe to use as a file name (no path separators, no control characters).
    pub filename: String,
    /// Lower-case `type/subtype`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a valid submission asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// One line, trimmed, not empty.
    pub subject: String,
    /// Plain text with `\n` line ends; may be empty.
    pub description: String,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub contact_name: Option<String>,
    /// Lower-case, valid.
    pub contact_email: String,
    pub machine: Option<MachineFacts>,
    pub submission_id: Option<String>,
    pub screenshot: Option<SubmittedFile>,
    pub attachments: Vec<SubmittedFile>,
    /// Names of parts that are not in the contract, for the log.
    pub ignored: Vec<String>,
}

/// The size limits of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole request body.
    pub request_bytes: u64,
    /// One file (screenshot or attachment).
    pub file_bytes: u64,
}

impl Limits {
    /// The limits `[api]` sets.
    pub fn from_config(api: &ApiConfig) -> Self {
        Limits {
            request_bytes: api.max_request_bytes,
            file_bytes: api.max_file_bytes,
        }
    }
}

/// Whether a part of this name carries a file.
pub fn is_file_field(name: &str) -> bool {
    name == form::SCREENSHOT || name == form::ATTACHMENT
}

/// How many bytes the part named `name` may have: a file the per-file limit, anything else
/// [`MAX_TEXT_BYTES`]; never more than the whole request.
pub fn part_limit(name: &str, limits: &Limits) -> u64 {
    let own = if is_file_field(name) {
        limits.file_bytes
    } else {
        MAX_TEXT_BYTES
    };
    own.min(limits.request_bytes)
}

/// Decides what the form means, or why it is refused.
pub fn parse(parts: Vec<FormPart>) -> Result<Submission, ApiProblem> {
    let mut texts: Vec<(&'static str, String)> = Vec::new();
    let mut screenshot: Option<FormPart> = None;
    let mut attachments = Vec::new();
    let mut ignored = Vec::new();
    const TEXT_FIELDS: [&str; 8] = [
        form::SUBJECT,
        form::DESCRIPTION,
        form::CATEGORY,
        form::PRIORITY,
        form::CONTACT_NAME,
        form::CONTACT_EMAIL,
        form::MACHINE,
        form::SUBMISSION_ID,
    ];
    for part in parts {
        if let Some(&field) = TEXT_FIELDS.iter().find(|f| **f == part.name) {
            if texts.iter().any(|(name, _)| *name == field) {
                return Err(ApiProblem::Repeated {
                    field: field.to_string(),
                });
            }
            let text = String::from_utf8(part.bytes)
                .map_err(|_| ApiProblem::invalid(field, Invalid::NotText))?;
            texts.push((field, text));
        } else if part.name == form::SCREENSHOT {
            // A form whose file input was left empty sends an empty part: no screenshot.
            if part.bytes.is_empty() {
                continue;
            }
            if screenshot.is_some() {
                return Err(ApiProblem::Repeated {
                    field: form::SCREENSHOT.to_string(),
                });
            }
            screenshot = Some(part);
        } else if part.name == form::ATTACHMENT {
            if !(part.bytes.is_empty() && part.file_name.as_deref().unwrap_or("").is_empty()) {
                attachments.push(part);
            }
        } else {
            ignored.push(part.name);
        }
    }
    let text = |field: &str| {
        texts
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, value)| value.as_str())
    };
    let optional_line = |field: &str, max_chars: usize| -> Result<Option<String>, ApiProblem> {
        match text(field).map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(value) => match one_line_problem(value, max_chars) {
                Some(reason) => Err(ApiProblem::invalid(field, reason)),
                None => Ok(Some(value.to_string())),
            },
        }
    };

    let subject = optional_line(form::SUBJECT, MAX_SUBJECT_CHARS)?
        .ok_or_else(|| ApiProblem::missing(form::SUBJECT))?;
    let contact_email = contact_email(text(form::CONTACT_EMAIL), form::CONTACT_EMAIL)?;
    let contact_name = optional_line(form::CONTACT_NAME, MAX_NAME_CHARS)?;
    let category = optional_line(form::CATEGORY, MAX_CATEGORY_CHARS)?;
    let priority = match text(form::PRIORITY)
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(value) => Some(value.parse::<Priority>().map_err(|_| {
            ApiProblem::invalid(
                form::PRIORITY,
                Invalid::UnknownPriority {
                    value: value.to_string(),
                },
            )
        })?),
    };
    let machine = match text(form::MACHINE).map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(json) => Some(serde_json::from_str::<MachineFacts>(json).map_err(|e| {
            ApiProblem::invalid(
                form::MACHINE,
                Invalid::Json {
                    detail: e.to_string(),
                },
            )
        })?),
    };
    let submission_id = match text(form::SUBMISSION_ID)
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(id) if submission_id_ok(id) => Some(id.to_string()),
        Some(_) => {
            return Err(ApiProblem::invalid(
                form::SUBMISSION_ID,
                Invalid::BadSubmissionId,
            ));
        }
    };
    let description = text(form::DESCRIPTION)
        .map(|d| {
            d.replace("\r\n", "\n")
                .replace('\r', "\n")
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let screenshot = screenshot.map(screenshot_file).transpose()?;
    let attachments = attachments
        .into_iter()
        .enumerate()
        .map(|(index, part)| attachment_file(index, part))
        .collect();
    Ok(Submission {
        subject,
        description,
        category,
        priority,
        contact_name,
        contact_email,
        machine,
        submission_id,
        screenshot,
        attachments,
        ignored,
    })
}

/// A requester's address as given in `field`: required, trimmed, lower-cased, `name@domain`.
pub fn contact_email(value: Option<&str>, field: &str) -> Result<String, ApiProblem> {
    let address = value
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiProblem::missing(field))?;
    if is_valid_email(&address) {
        Ok(address)
    } else {
        Err(ApiProblem::invalid(field, Invalid::NotAnEmail))
    }
}

fn submission_id_ok(id: &str) -> bool {
    id.len() <= MAX_SUBMISSION_ID_CHARS && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Whether `bytes` start like a PNG file (the declared type is not trusted).
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&PNG_SIGNATURE)
}

fn screenshot_file(part: FormPart) -> Result<SubmittedFile, ApiProblem> {
    if !is_png(&part.bytes) {
        return Err(ApiProblem::NotPng);
    }
    let filename = part
        .file_name
        .as_deref()
        .map(sanitize_filename)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "screenshot.png".to_string());
    Ok(SubmittedFile {
        filename,
        content_type: "image/png".to_string(),
        bytes: part.bytes,
    })
}

/// A form's file part named and typed for storage (the portal's uploads take the same path).
pub(crate) fn attachment_file(index: usize, part: FormPart) -> SubmittedFile {
    let declared = part
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase())
        .filter(|ct| {
            ct.split_once('/').is_some_and(|(t, s)| {
                !t.is_empty()
                    && !s.is_empty()
                    && ct
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "/+-.".contains(c))
            })
        });
    let named = part
        .file_name
        .as_deref()
        .map(sanitize_filename)
        .filter(|name| !name.is_empty());
    let content_type = declared
        .filter(|ct| ct != "application/octet-stream")
        .or_else(|| {
            named
                .as_deref()
                .and_then(|name| mime_guess::from_path(name).first())
                .map(|mime| mime.essence_str().to_string())
        })
        .unwrap_or_else(|| "application/octet-stream".to_string());
    let filename = named.unwrap_or_else(|| default_filename(index, &content_type));
    SubmittedFile {
        filename,
        content_type,
        bytes: part.bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, value: &str) -> FormPart {
        FormPart {
            name: name.into(),
            file_name: None,
            content_type: None,
            bytes: value.as_bytes().to_vec(),
        }
    }

    fn file(name: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> FormPart {
        FormPart {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            bytes: bytes.to_vec(),
        }
    }

    fn png() -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(b"rest of the image");
        bytes
    }

    fn minimal() -> Vec<FormPart> {
        vec![
            text(form::SUBJECT, "  La stampante non stampa  "),
            text(form::CONTACT_EMAIL, " Mario.Rossi@ACME.it "),
        ]
    }

    fn with(mut parts: Vec<FormPart>, extra: FormPart) -> Vec<FormPart> {
        parts.push(extra);
        parts
    }

    fn refusal(parts: Vec<FormPart>) -> ApiProblem {
        parse(parts).expect_err("should be refused")
    }

    #[test]
    fn subject_and_contact_are_all_that_is_required() {
        let s = parse(minimal()).expect("valid");
        assert_eq!(s.subject, "La stampante non stampa");
        assert_eq!(s.contact_email, "mario.rossi@acme.it");
        assert_eq!(s.description, "");
        assert_eq!(
            (s.priority, s.machine, s.screenshot, s.submission_id),
            (None, None, None, None)
        );
        assert!(s.attachments.is_empty());
    }

    #[test]
    fn every_field_is_read() {
        let machine = r#"{"hostname":"PC-01","os":"Windows 11 Pro","agent_version":"0.1.0",
            "user":"mario","screens":["1920x1080+0+0"],"active_window":"Mago4"}"#;
        let parts = vec![
            text(form::SUBJECT, "Mago4 si blocca"),
            text(form::DESCRIPTION, "Riga uno\r\nRiga due\r\n\r\n"),
            text(form::CATEGORY, "Mago"),
            text(form::PRIORITY, "Alta"),
            text(form::CONTACT_NAME, "Mario Rossi"),
            text(form::CONTACT_EMAIL, "mario.rossi@acme.it"),
            text(form::MACHINE, machine),
            text(form::SUBMISSION_ID, "draft-7f3a"),
            file(form::SCREENSHOT, "schermata.png", "image/png", &png()),
            file(form::ATTACHMENT, "log.txt", "text/plain", b"errore"),
            file(form::ATTACHMENT, "../../dati.csv", "", b"a;b"),
            text("future_field", "ignored"),
        ];
        let s = parse(parts).expect("valid");
        assert_eq!(s.description, "Riga uno\nRiga due");
        assert_eq!(s.category.as_deref(), Some("Mago"));
        assert_eq!(s.priority, Some(Priority::High));
        assert_eq!(s.contact_name.as_deref(), Some("Mario Rossi"));
        let facts = s.machine.expect("machine facts");
        assert_eq!(facts.hostname, "PC-01");
        assert_eq!(facts.active_window.as_deref(), Some("Mago4"));
        assert_eq!(s.submission_id.as_deref(), Some("draft-7f3a"));
        let shot = s.screenshot.expect("screenshot");
        assert_eq!(
            (shot.filename.as_str(), shot.content_type.as_str()),
            ("schermata.png", "image/png")
        );
        assert_eq!(s.attachments.len(), 2);
        assert_eq!(s.attachments[0].content_type, "text/plain");
        assert_eq!(s.attachments[1].filename, "_.._dati.csv");
        assert_eq!(s.attachments[1].content_type, "text/csv");
        assert_eq!(s.ignored, vec!["future_field"]);
    }

    #[test]
    fn a_missing_or_blank_subject_is_named() {
        let no_subject = vec![text(form::CONTACT_EMAIL, "a@b.it")];
        assert_eq!(refusal(no_subject), ApiProblem::missing(form::SUBJECT));
        let blank = vec![
            text(form::SUBJECT, "  "),
            text(form::CONTACT_EMAIL, "a@b.it"),
        ];
        let problem = refusal(blank);
        assert_eq!(problem.code(), "missing_field");
        assert_eq!(problem.field(), Some("subject"));
    }

    #[test]
    fn the_subject_is_one_sane_line() {
        for (subject, reason) in [
            ("Riga uno\nRiga due", Invalid::MultipleLines),
            ("Tab\tdentro", Invalid::ControlCharacters),
        ] {
            let parts = vec![
                text(form::SUBJECT, subject),
                text(form::CONTACT_EMAIL, "a@b.it"),
            ];
            assert_eq!(refusal(parts), ApiProblem::invalid(form::SUBJECT, reason));
        }
        let long = "x".repeat(MAX_SUBJECT_CHARS + 1);
        let parts = vec![
            text(form::SUBJECT, &long),
            text(form::CONTACT_EMAIL, "a@b.it"),
        ];
        assert_eq!(
            refusal(parts),
            ApiProblem::invalid(
                form::SUBJECT,
                Invalid::TooLong {
                    max_chars: MAX_SUBJECT_CHARS
                }
            )
        );
        let exact = "è".repeat(MAX_SUBJECT_CHARS);
        let parts = vec![
            text(form::SUBJECT, &exact),
            text(form::CONTACT_EMAIL, "a@b.it"),
        ];
        assert!(
            parse(parts).is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn the_contact_must_be_an_address() {
        let parts = vec![text(form::SUBJECT, "x")];
        assert_eq!(refusal(parts), ApiProblem::missing(form::CONTACT_EMAIL));
        for bad in [
            "mario",
            "mario@",
            "Mario Rossi <mario@acme.it>",
            "a b@acme.it",
        ] {
            let parts = vec![text(form::SUBJECT, "x"), text(form::CONTACT_EMAIL, bad)];
            assert_eq!(
                refusal(parts),
                ApiProblem::invalid(form::CONTACT_EMAIL, Invalid::NotAnEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn priority_machine_and_submission_id_are_checked() {
        let problem = refusal(with(minimal(), text(form::PRIORITY, "critica")));
        assert_eq!(problem.field(), Some("priority"));
        assert!(matches!(
            problem,
            ApiProblem::Invalid {
                reason: Invalid::UnknownPriority { .. },
                ..
            }
        ));
        let problem = refusal(with(minimal(), text(form::MACHINE, r#"{"hostname": 3}"#)));
        assert_eq!(problem.field(), Some("machine"));
        assert!(matches!(
            problem,
            ApiProblem::Invalid {
                reason: Invalid::Json { .. },
                ..
            }
        ));
        for bad in ["con spazi", &"x".repeat(MAX_SUBMISSION_ID_CHARS + 1)] {
            let problem = refusal(with(minimal(), text(form::SUBMISSION_ID, bad)));
            assert_eq!(
                problem,
                ApiProblem::invalid(form::SUBMISSION_ID, Invalid::BadSubmissionId)
            );
        }
    }

    #[test]
    fn text_fields_come_once_and_as_utf8() {
        let problem = refusal(with(minimal(), text(form::SUBJECT, "again")));
        assert_eq!(problem.code(), "duplicate_field");
        assert_eq!(problem.field(), Some("subject"));
        let mut latin1 = text(form::DESCRIPTION, "");
        latin1.bytes = vec![b'c', 0xe8, b'\n'];
        assert_eq!(
            refusal(with(minimal(), latin1)),
            ApiProblem::invalid(form::DESCRIPTION, Invalid::NotText)
        );
    }

    #[test]
    fn the_screenshot_is_one_png_judged_by_its_bytes() {
        let jpeg_as_png = file(
            form::SCREENSHOT,
            "shot.png",
            "image/png",
            b"\xff\xd8\xff\xe0JFIF",
        );
        let problem = refusal(with(minimal(), jpeg_as_png));
        assert_eq!(problem, ApiProblem::NotPng);
        assert_eq!(problem.code(), "unsupported_media_type");
        assert_eq!(problem.field(), Some("screenshot"));

        let declared_wrong = file(form::SCREENSHOT, "", "application/octet-stream", &png());
        let s = parse(with(minimal(), declared_wrong)).expect("a PNG is a PNG");
        let shot = s.screenshot.expect("screenshot");
        assert_eq!(shot.filename, "screenshot.png");
        assert_eq!(shot.content_type, "image/png");

        let two = with(
            with(
                minimal(),
                file(form::SCREENSHOT, "a.png", "image/png", &png()),
            ),
            file(form::SCREENSHOT, "b.png", "image/png", &png()),
        );
        assert_eq!(
            refusal(two),
            ApiProblem::Repeated {
                field: "screenshot".into()
            }
        );
        let empty = file(form::SCREENSHOT, "", "application/octet-stream", b"");
        assert_eq!(
            parse(with(minimal(), empty)).expect("valid").screenshot,
            None
        );
    }

    #[test]
    fn attachments_get_a_name_and_a_type() {
        let unnamed = FormPart {
            name: form::ATTACHMENT.into(),
            file_name: None,
            content_type: Some("application/pdf".into()),
            bytes: b"%PDF-1.7".to_vec(),
        };
        let s = parse(with(minimal(), unnamed)).expect("valid");
        assert_eq!(s.attachments[0].filename, "attachment-1.pdf");
        assert_eq!(s.attachments[0].content_type, "application/pdf");
        let odd_type = file(form::ATTACHMENT, "x.bin", "not a type", b"1");
        let s = parse(with(minimal(), odd_type)).expect("valid");
        assert_eq!(s.attachments[0].content_type, "application/octet-stream");
        let empty = file(form::ATTACHMENT, "", "application/octet-stream", b"");
        assert!(
            parse(with(minimal(), empty))
                .expect("valid")
                .attachments
                .is_empty()
        );
    }

    #[test]
    fn files_and_texts_have_their_own_limits() {
        let limits = Limits {
            request_bytes: 10_000,
            file_bytes: 4_000,
        };
        assert_eq!(part_limit(form::SCREENSHOT, &limits), 4_000);
        assert_eq!(part_limit(form::ATTACHMENT, &limits), 4_000);
        assert_eq!(part_limit(form::DESCRIPTION, &limits), 10_000);
        let roomy = Limits {
            request_bytes: 100 * MAX_TEXT_BYTES,
            file_bytes: 50 * MAX_TEXT_BYTES,
        };
        assert_eq!(part_limit(form::DESCRIPTION, &roomy), MAX_TEXT_BYTES);
        assert_eq!(part_limit("whatever", &roomy), MAX_TEXT_BYTES);
    }
}
