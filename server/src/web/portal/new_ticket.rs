//! The rules of the "Apri un nuovo ticket" form: what each field must be, as plain functions
//! over the posted text. Problems are codes; the page words them in the reader's language.

use ppdesk_shared::api::limits::{MAX_SUBJECT_CHARS, MAX_TEXT_BYTES};
use ppdesk_shared::ticket::Priority;

use crate::api::submission::MAX_NAME_CHARS;

/// Longest phone number accepted.
pub const MAX_PHONE_CHARS: usize = 40;

/// The form as posted (also what is shown again when it has problems).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTicketForm {
    pub contact_name: String,
    pub contact_phone: String,
    pub category: String,
    pub priority: String,
    pub title: String,
    pub description: String,
}

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong { max: usize },
    NotOneLine,
    UnknownCategory,
    UnknownPriority,
    BadPhone,
}

/// The problems of a form, per field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Problems {
    pub contact_name: Option<Problem>,
    pub contact_phone: Option<Problem>,
    pub category: Option<Problem>,
    pub priority: Option<Problem>,
    pub title: Option<Problem>,
    pub description: Option<Problem>,
}

impl Problems {
    /// Whether any field has a problem.
    pub fn any(&self) -> bool {
        [
            self.contact_name,
            self.contact_phone,
            self.category,
            self.priority,
            self.title,
            self.description,
        ]
        .iter()
        .any(Option::is_some)
    }
}

/// A form that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTicket {
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// As the config spells it; None when the config lists no categories.
    pub category: Option<String>,
    pub priority: Priority,
    pub title: String,
    /// Line ends normalised to `\n`, trimmed.
    pub description: String,
}

/// Checks a posted form against the configured `categories` (an empty list: no category asked).
pub fn check(form: &NewTicketForm, categories: &[String]) -> Result<CheckedTicket, Problems> {
    let mut problems = Problems::default();

    let contact_name = optional_line(&form.contact_name, MAX_NAME_CHARS)
        .map_err(|p| problems.contact_name = Some(p))
        .ok()
        .flatten();
    let contact_phone = match optional_line(&form.contact_phone, MAX_PHONE_CHARS) {
        Ok(Some(phone)) if !is_phone(&phone) => {
            problems.contact_phone = Some(Problem::BadPhone);
            None
        }
        Ok(phone) => phone,
        Err(p) => {
            problems.contact_phone = Some(p);
            None
        }
    };
    let category = if categories.is_empty() {
        None
    } else {
        let chosen = form.category.trim();
        if chosen.is_empty() {
            problems.category = Some(Problem::Required);
            None
        } else {
            let known = categories.iter().find(|c| c.eq_ignore_ascii_case(chosen));
            if known.is_none() {
                problems.category = Some(Problem::UnknownCategory);
            }
            known.cloned()
        }
    };
    let priority = match form.priority.trim() {
        "" => Priority::Normal,
        text => text.parse().unwrap_or_else(|_| {
            problems.priority = Some(Problem::UnknownPriority);
            Priority::Normal
        }),
    };
    let title = match optional_line(&form.title, MAX_SUBJECT_CHARS) {
        Ok(Some(title)) => title,
        Ok(None) => {
            problems.title = Some(Problem::Required);
            String::new()
        }
        Err(p) => {
            problems.title = Some(p);
            String::new()
        }
    };
    let description = normalise_text(&form.description);
    if description.is_empty() {
        problems.description = Some(Problem::Required);
    } else if description.len() as u64 > MAX_TEXT_BYTES {
        problems.description = Some(Problem::TooLong {
            max: usize::try_from(MAX_TEXT_BYTES).unwrap_or(usize::MAX),
        });
    }

    if problems.any() {
        return Err(problems);
    }
    Ok(CheckedTicket {
        contact_name,
        contact_phone,
        category,
        priority,
        title,
        description,
    })
}

/// Text from a textarea: `\r\n` and `\r` become `\n`, surrounding blanks go.
pub fn normalise_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// A one-line field: trimmed; empty is None.
fn optional_line(text: &str, max_chars: usize) -> Result<Option<String>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(char::is_control) {
        return Err(Problem::NotOneLine);
    }
    if text.chars().count() > max_chars {
        return Err(Problem::TooLong { max: max_chars });
    }
    Ok(Some(text.to_string()))
}

fn is_phone(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<String> {
        ["Amministrazione", "Mago", "Web"]
            .map(String::from)
            .to_vec()
    }

    fn form() -> NewTicketForm {
        NewTicketForm {
            contact_name: " Mario Rossi ".into(),
            contact_phone: "0881 666679".into(),
            category: "mago".into(),
            priority: "alta".into(),
            title: " Problema emissione fatture ".into(),
            description: "Si blocca\r\nsul ddt 12345\r\n".into(),
        }
    }

    #[test]
    fn a_complete_form_is_taken_as_typed() {
        let checked = check(&form(), &categories()).unwrap();
        assert_eq!(
            checked,
            CheckedTicket {
                contact_name: Some("Mario Rossi".into()),
                contact_phone: Some("0881 666679".into()),
                category: Some("Mago".into()),
                priority: Priority::High,
                title: "Problema emissione fatture".into(),
                description: "Si blocca\nsul ddt 12345".into(),
            }
        );
    }

    #[test]
    fn title_description_and_category_are_required() {
        let empty = NewTicketForm::default();
        let problems = check(&empty, &categories()).unwrap_err();
        assert_eq!(problems.title, Some(Problem::Required));
        assert_eq!(problems.description, Some(Problem::Required));
        assert_eq!(problems.category, Some(Problem::Required));
        assert_eq!(problems.priority, None, "no priority means normal");
        assert_eq!(problems.contact_name, None);
        // Without configured categories none is asked.
        let mut no_category = form();
        no_category.category.clear();
        assert_eq!(check(&no_category, &[]).unwrap().category, None);
    }

    #[test]
    fn unknown_choices_and_bad_lines_are_named() {
        let mut bad = form();
        bad.category = "Contabilità".into();
        bad.priority = "subito".into();
        bad.title = "x".repeat(MAX_SUBJECT_CHARS + 1);
        bad.contact_name = "Mario\nRossi".into();
        bad.contact_phone = "chiamami".into();
        let problems = check(&bad, &categories()).unwrap_err();
        assert_eq!(problems.category, Some(Problem::UnknownCategory));
        assert_eq!(problems.priority, Some(Problem::UnknownPriority));
        assert_eq!(
            problems.title,
            Some(Problem::TooLong {
                max: MAX_SUBJECT_CHARS
            })
        );
        assert_eq!(problems.contact_name, Some(Problem::NotOneLine));
        assert_eq!(problems.contact_phone, Some(Problem::BadPhone));
        assert_eq!(problems.description, None);
    }

    #[test]
    fn phone_numbers_are_written_many_ways() {
        for phone in ["0881.666679", "+39 (0881) 666-679", "0881/1820040"] {
            let mut f = form();
            f.contact_phone = phone.into();
            assert!(check(&f, &categories()).is_ok(), "{phone}");
        }
    }
}
