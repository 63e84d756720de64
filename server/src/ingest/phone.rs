//! A ticket a technician registers on a caller's behalf, from a phone call or a fax (T5): opened
//! by the same code as a mailed one (`open_ticket`: routing, the ticket's first message, the
//! acknowledgement to the caller), with channel `phone` or `fax`, the caller's phone number
//! kept with the ticket, and a line in the thread saying who registered it.
//!
//! [`validate`] reads the console's form (plain function, every problem named by field);
//! [`Desk::register_call`] opens the ticket.

use ppdesk_shared::api::limits::{MAX_CATEGORY_CHARS, MAX_SUBJECT_CHARS, MAX_TEXT_BYTES};
use ppdesk_shared::ticket::{Channel, Priority};

use super::{Answering, FirstMessage, IngestError, Opening};
use crate::config::is_valid_email;
use crate::console_actions::{Technician, ThreadEvent};
use crate::desk::Desk;
use crate::mail::inbound::Mailbox;
use crate::mail::machine_mail::Author;
use crate::store::console::{Console, ConsoleTx, INTERNAL, KIND_EVENT};
use crate::store::{NewMessage, Store, StoreTx};

/// Longest caller name and phone number taken, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest phone number taken, in characters.
pub const MAX_PHONE_CHARS: usize = 40;

/// The console's form as typed (every field trimmed by [`validate`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PhoneForm {
    pub caller_email: String,
    pub caller_name: String,
    pub caller_phone: String,
    /// An organisation's name; empty: the one owning the caller's mail domain, if any.
    pub organisation: String,
    /// `phone` or `fax`.
    pub channel: String,
    pub category: String,
    pub priority: String,
    pub subject: String,
    pub description: String,
}

/// A call, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCall {
    /// [`Channel::Phone`] or [`Channel::Fax`].
    pub channel: Channel,
    /// Lower-case.
    pub caller_email: String,
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
    pub organisation: Option<String>,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub subject: String,
    pub description: String,
}

/// What is wrong with one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneProblem {
    /// The form field (`caller_email`, `subject`, …).
    pub field: &'static str,
    pub kind: ProblemKind,
}

/// The kinds of [`PhoneProblem`] (the page words them in the reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    Missing,
    NotAnEmail,
    /// Longer than this many characters (bytes for the description).
    TooLong(usize),
    /// Not `phone` or `fax`.
    NotPhoneOrFax,
    /// Not a priority (`low`, `normal`, `high`, `urgent` or the Italian names).
    NotAPriority,
    /// No organisation has this name (found when registering: [`PhoneError::UnknownOrganisation`]).
    UnknownOrganisation,
}

/// Why a call could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    #[error("no organisation is called {0:?}")]
    UnknownOrganisation(String),
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

impl From<crate::store::StoreError> for PhoneError {
    fn from(e: crate::store::StoreError) -> Self {
        PhoneError::Ingest(IngestError::Store(e))
    }
}

/// The ticket just registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub number: u64,
    pub tag: String,
    pub sector: String,
    /// The acknowledgement was queued to the caller.
    pub acknowledged: bool,
}

/// Checks the form; every problem at once, each naming its field.
pub fn validate(form: &PhoneForm) -> Result<PhoneCall, Vec<PhoneProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, kind: ProblemKind| {
        problems.push(PhoneProblem { field, kind });
    };
    let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());

    let caller_email = form.caller_email.trim().to_lowercase();
    if caller_email.is_empty() {
        problem("caller_email", ProblemKind::Missing);
    } else if !is_valid_email(&caller_email) {
        problem("caller_email", ProblemKind::NotAnEmail);
    }
    let caller_name = optional(&form.caller_name);
    if caller_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
    {
        problem("caller_name", ProblemKind::TooLong(MAX_NAME_CHARS));
    }
    let caller_phone = optional(&form.caller_phone);
    if caller_phone
        .as_ref()
        .is_some_and(|p| p.chars().count() > MAX_PHONE_CHARS)
    {
        problem("caller_phone", ProblemKind::TooLong(MAX_PHONE_CHARS));
    }
    let channel = match form.channel.trim().to_lowercase().as_str() {
        "phone" | "telefono" | "" => Channel::Phone,
        "fax" => Channel::Fax,
        _ => {
            problem("channel", ProblemKind::NotPhoneOrFax);
            Channel::Phone
        }
    };
    let category = optional(&form.category);
    if category
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_CATEGORY_CHARS)
    {
        problem("category", ProblemKind::TooLong(MAX_CATEGORY_CHARS));
    }
    let priority = match optional(&form.priority) {
        None => None,
        Some(text) => match text.parse::<Priority>() {
            Ok(priority) => Some(priority),
            Err(_) => {
                problem("priority", ProblemKind::NotAPriority);
                None
            }
        },
    };
    let subject = form.subject.trim().to_string();
    if subject.is_empty() {
        problem("subject", ProblemKind::Missing);
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        problem("subject", ProblemKind::TooLong(MAX_SUBJECT_CHARS));
    }
    let description = form.description.trim().to_string();
    if description.is_empty() {
        problem("description", ProblemKind::Missing);
    } else if description.len() as u64 > MAX_TEXT_BYTES {
        problem(
            "description",
            ProblemKind::TooLong(usize::try_from(MAX_TEXT_BYTES).unwrap_or(usize::MAX)),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PhoneCall {
        channel,
        caller_email,
        caller_name,
        caller_phone,
        organisation: optional(&form.organisation),
        category,
        priority,
        subject,
        description,
    })
}

impl<S> Desk<S>
where
    S: Store + Console,
    S::Tx: ConsoleTx,
{
    /// Opens the ticket of a call or fax: routed like mail, acknowledged to the caller like
    /// mail, channel `phone` or `fax`; the caller's number and who registered it are kept.
    pub async fn register_call(
        &self,
        call: &PhoneCall,
        by: &Technician,
    ) -> Result<Registered, PhoneError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let organisation = match &call.organisation {
            Some(name) => Some(
                self.organisation_named_in(&mut tx, name)
                    .await?
                    .ok_or_else(|| PhoneError::UnknownOrganisation(name.clone()))?,
            ),
            None => {
                self.organisation_for_address(&mut tx, &call.caller_email)
                    .await?
            }
        };
        // A configured category is spelled as the config spells it; free text stays as typed.
        let category = call.category.as_ref().map(|chosen| {
            self.config
                .routing
                .categories
                .iter()
                .find(|c| c.eq_ignore_ascii_case(chosen))
                .unwrap_or(chosen)
                .clone()
        });
        let caller = Mailbox {
            address: call.caller_email.clone(),
            name: call.caller_name.clone(),
        };
        let opened = self
            .open_ticket(
                &mut tx,
                Opening {
                    channel: call.channel,
                    requester: &caller,
                    organisation: organisation.as_ref(),
                    subject: &call.subject,
                    body: &call.description,
                    category: category.as_deref(),
                    priority: call.priority,
                    linked: None,
                    first: FirstMessage {
                        message_id: None,
                        to: vec![self.config.helpdesk.address.clone()],
                        cc: Vec::new(),
                        html_body: None,
                        raw_sha256: None,
                        attachments: &[],
                    },
                    participants: Vec::new(),
                    answering: Answering {
                        author: Author::Person,
                        staff_in_cc: false,
                        // A technician heard the address from the caller: acknowledged like
                        // a sender's own mail, whatever its domain.
                        unverified_address: false,
                        subject: &call.subject,
                        in_reply_to: None,
                        references: Vec::new(),
                    },
                },
                now,
            )
            .await?;
        if let Some(phone) = &call.caller_phone {
            tx.set_contact_phone(opened.number, phone).await?;
        }
        let registered = ThreadEvent::Registered {
            channel: call.channel.as_str().to_string(),
        };
        tx.insert_message(&NewMessage {
            ticket: opened.number,
            direction: INTERNAL,
            kind: KIND_EVENT,
            message_id: None,
            from_addr: by.email.clone(),
            from_name: by.name.clone(),
            to_addrs: Vec::new(),
            cc_addrs: Vec::new(),
            subject: String::new(),
            text_body: registered.to_json(),
            html_body: None,
            raw_sha256: None,
            created_at: now,
        })
        .await?;
        tx.commit().await?;
        if opened.acknowledged {
            self.outbox_wake.notify_one();
        }
        tracing::info!(
            ticket = opened.number,
            channel = call.channel.as_str(),
            by = %by.email,
            acknowledged = opened.acknowledged,
            "ticket registered from a call"
        );
        Ok(Registered {
            tag: self.tag_text(&opened.class, opened.number),
            number: opened.number,
            sector: opened.sector,
            acknowledged: opened.acknowledged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PhoneForm {
        PhoneForm {
            caller_email: " Mario.Rossi@ACME.it ".into(),
            caller_name: "Mario Rossi".into(),
            caller_phone: "+39 0881 666679".into(),
            organisation: String::new(),
            channel: "fax".into(),
            category: "Mago".into(),
            priority: "alta".into(),
            subject: "Bolla non stampa".into(),
            description: "Chiamata delle 10: la bolla non esce dalla stampante.".into(),
        }
    }

    #[test]
    fn a_complete_form_is_a_call() {
        let call = validate(&form()).unwrap();
        assert_eq!(call.channel, Channel::Fax);
        assert_eq!(call.caller_email, "mario.rossi@acme.it");
        assert_eq!(call.caller_phone.as_deref(), Some("+39 0881 666679"));
        assert_eq!(call.priority, Some(Priority::High));
        assert_eq!(call.organisation, None);
        let phone = validate(&PhoneForm {
            channel: String::new(),
            priority: String::new(),
            ..form()
        })
        .unwrap();
        assert_eq!(phone.channel, Channel::Phone);
        assert_eq!(phone.priority, None);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let problems = validate(&PhoneForm {
            caller_email: "mario at acme".into(),
            caller_phone: "1".repeat(MAX_PHONE_CHARS + 1),
            channel: "email".into(),
            priority: "subito".into(),
            subject: "  ".into(),
            description: String::new(),
            ..form()
        })
        .unwrap_err();
        let named: Vec<(&str, ProblemKind)> =
            problems.into_iter().map(|p| (p.field, p.kind)).collect();
        assert_eq!(
            named,
            vec![
                ("caller_email", ProblemKind::NotAnEmail),
                ("caller_phone", ProblemKind::TooLong(MAX_PHONE_CHARS)),
                ("channel", ProblemKind::NotPhoneOrFax),
                ("priority", ProblemKind::NotAPriority),
                ("subject", ProblemKind::Missing),
                ("description", ProblemKind::Missing),
            ]
        );
        let missing = validate(&PhoneForm::default()).unwrap_err();
        assert_eq!(missing[0].field, "caller_email");
        assert_eq!(missing[0].kind, ProblemKind::Missing);
    }
}
