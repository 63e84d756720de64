//! A ticket from the agent API: opened by the same code as a mailed one (`open_ticket`, one
//! transaction with routing and the acknowledgement), for the organisation the token stands
//! for, with channel `agent`; the submission id, the machine facts and whether the contact is
//! outside the organisation are kept with the ticket.

use ppdesk_shared::api::CreatedTicket;
use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Channel;

use super::{Answering, FirstMessage, IngestError, Opening};
use crate::api::submission::{Submission, SubmittedFile};
use crate::blobs::sha256_hex;
use crate::config::OrganisationConfig;
use crate::desk::Desk;
use crate::mail::inbound::Mailbox;
use crate::mail::machine_mail::Author;
use crate::organisations::owns_address;
use crate::store::{NewAttachment, Store, StoreError, StoreTx, SubmissionRecord, TicketState};

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// False when an earlier request with the same submission id had opened the ticket.
    pub created: bool,
    pub ticket: CreatedTicket,
}

impl<S: Store> Desk<S> {
    /// Opens the ticket a valid submission asks for, for `organisation` (the token's, whatever
    /// the contact's domain). A submission id already used by this organisation answers with
    /// the ticket it opened, and nothing is written.
    pub async fn submit(
        &self,
        organisation: &OrganisationConfig,
        submission: &Submission,
    ) -> Result<Submitted, IngestError> {
        // Blobs before the transaction, as for mail: a crash leaves at most unreferenced files.
        let attachments: Vec<NewAttachment> = submission
            .screenshot
            .iter()
            .chain(&submission.attachments)
            .map(|file| self.store_file(file))
            .collect::<Result<_, _>>()?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if let Some(id) = &submission.submission_id
            && let Some(number) = tx.find_submission(&organisation.name, id).await?
        {
            let state = tx
                .ticket_state(number)
                .await?
                .ok_or_else(|| StoreError::Corrupt {
                    table: "submissions",
                    detail: format!("submission {id:?} names ticket {number}, which is missing"),
                })?;
            metrics::counter!("ppdesk_api_tickets_total", "outcome" => "repeated").increment(1);
            tracing::info!(
                ticket = number,
                organisation = %organisation.name,
                submission_id = %id,
                "repeated submission: answered with the ticket it opened"
            );
            return Ok(Submitted {
                created: false,
                ticket: self.created_ticket(&state),
            });
        }
        let requester = Mailbox {
            address: submission.contact_email.clone(),
            name: submission.contact_name.clone(),
        };
        let outside =
            !organisation.domains.is_empty() && !owns_address(organisation, &requester.address);
        let opened = self
            .open_ticket(
                &mut tx,
                Opening {
                    channel: Channel::Agent,
                    requester: &requester,
                    organisation: Some(organisation),
                    subject: &submission.subject,
                    body: &submission.description,
                    category: self.known_category(submission.category.as_deref()),
                    priority: submission.priority,
                    linked: None,
                    first: FirstMessage {
                        message_id: None,
                        to: vec![self.config.helpdesk.address.clone()],
                        cc: Vec::new(),
                        html_body: None,
                        raw_sha256: None,
                        attachments: &attachments,
                    },
                    participants: Vec::new(),
                    answering: Answering {
                        author: Author::Person,
                        staff_in_cc: false,
                        unverified_address: outside,
                        subject: &submission.subject,
                        in_reply_to: None,
                        references: Vec::new(),
                    },
                },
                now,
            )
            .await?;
        tx.record_submission(&SubmissionRecord {
            ticket: opened.number,
            organisation: organisation.name.clone(),
            submission_id: submission.submission_id.clone(),
            machine: submission
                .machine
                .as_ref()
                .and_then(|facts| serde_json::to_string(facts).ok()),
            contact_outside_organisation: outside,
            created_at: now,
        })
        .await?;
        tx.commit().await?;
        if opened.acknowledged {
            self.outbox_wake.notify_one();
        }
        metrics::counter!("ppdesk_api_tickets_total", "outcome" => "created").increment(1);
        tracing::info!(
            ticket = opened.number,
            organisation = %organisation.name,
            contact_outside_organisation = outside,
            files = attachments.len(),
            acknowledged = opened.acknowledged,
            "ticket opened from the API"
        );
        Ok(Submitted {
            created: true,
            ticket: CreatedTicket {
                number: opened.number,
                tag: self.tag_text(&opened.class, opened.number),
                status: TicketStatus::WaitingOnSupport,
                sector: opened.sector,
            },
        })
    }

    /// A configured category is spelled as the config spells it; free text stays as written.
    pub(super) fn known_category<'a>(&'a self, category: Option<&'a str>) -> Option<&'a str> {
        category.map(|chosen| {
            self.config
                .routing
                .categories
                .iter()
                .find(|c| c.eq_ignore_ascii_case(chosen))
                .map_or(chosen, String::as_str)
        })
    }

    pub(super) fn store_file(&self, file: &SubmittedFile) -> Result<NewAttachment, IngestError> {
        let sha256 = sha256_hex(&file.bytes);
        self.blobs.put(&sha256, &file.bytes)?;
        Ok(NewAttachment {
            filename: file.filename.clone(),
            content_type: file.content_type.clone(),
            size: file.bytes.len() as u64,
            sha256,
            inline: false,
            content_id: None,
            omitted: false,
        })
    }

    fn created_ticket(&self, state: &TicketState) -> CreatedTicket {
        CreatedTicket {
            number: state.number,
            tag: self.tag_text(&state.class, state.number),
            status: state
                .status
                .parse()
                .unwrap_or(TicketStatus::WaitingOnSupport),
            sector: state.sector.clone(),
        }
    }
}
