//! What a technician does to a ticket from the console, each in one transaction: an internal
//! note; a change of status, sector, priority or assignee ([`crate::triage`] decides); a merge
//! of a duplicate ([`crate::merge`] decides); the verdict on a "tag from a stranger" ticket; a
//! reply with files.
//!
//! Every change leaves a line in the thread (direction `internal`, kind `event`, its facts as
//! JSON: [`ThreadEvent`]), shown to technicians in their language and never to customers
//! (`views::visible_to_customer`); notes are `internal` too. Nothing internal is ever mailed:
//! mail is only what goes through the outbox, queued here for a resolution or a merge notice.

use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Priority;
use serde::{Deserialize, Serialize};

use crate::blobs::{BlobError, sha256_hex};
use crate::catalog;
use crate::desk::Desk;
use crate::ingest::{OutboundRecord, lifecycle_of, locale_from};
use crate::mail::outbound::{self, Draft, OutboundFile};
use crate::merge::{self, MergeRefusal, MergeSide};
use crate::operator::OperatorError;
use crate::store::console::{Console, ConsoleState, ConsoleTx, INTERNAL, KIND_EVENT, KIND_NOTE};
use crate::store::{NewAttachment, NewMessage, NewOutbound, Store, StoreError, StoreTx};
use crate::triage::{self, StatusStep, TriageError, TriageFacts, TriagePlan, TriageRequest};

/// Longest internal note or reply taken, in bytes.
pub const MAX_TEXT_BYTES: usize = 200_000;

/// The technician doing something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technician {
    /// Lower-case address.
    pub email: String,
    pub name: Option<String>,
}

/// A change recorded in a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ThreadEvent {
    Status {
        from: TicketStatus,
        to: TicketStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Sector {
        from: String,
        to: String,
    },
    Priority {
        from: Priority,
        to: Priority,
    },
    Assignee {
        from: Option<String>,
        to: Option<String>,
    },
    /// This ticket's thread moved to `ticket`.
    MergedInto {
        ticket: u64,
    },
    /// `ticket`'s thread (`messages` of them) moved here.
    MergedFrom {
        ticket: u64,
        messages: u64,
    },
    /// A technician looked at a "tag from a stranger" ticket and kept it apart.
    ReviewKeptSeparate,
    /// Registered by a technician from a phone call or a fax (`channel`).
    Registered {
        channel: String,
    },
}

impl ThreadEvent {
    /// The stored form (a message's text).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored event line; None for text that is not one (shown as written).
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// Why a console action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("ticket {0} does not exist")]
    NoSuchTicket(u64),
    #[error("the note is empty")]
    EmptyNote,
    #[error("the text is longer than {MAX_TEXT_BYTES} bytes")]
    TooLong,
    #[error("ticket {0} is not waiting for a review")]
    NotFlagged(u64),
    #[error("ticket {0} names no ticket to append it to")]
    NothingToAppendTo(u64),
    #[error(transparent)]
    Triage(#[from] TriageError),
    #[error(transparent)]
    Merge(#[from] MergeRefusal),
    #[error(transparent)]
    Operator(#[from] OperatorError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("could not render the mail: {0}")]
    Render(#[from] std::io::Error),
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub source: u64,
    pub target: u64,
    /// Messages that moved.
    pub messages: u64,
    /// Who was mailed the new number.
    pub notified: String,
}

/// The technician's verdict on a ticket flagged "tag from a stranger".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    /// It's fine: append it to the ticket its tag named (a merge; the sender joins that ticket).
    Append,
    /// Keep it as its own ticket; the flag goes.
    KeepSeparate,
}

/// A file a technician attaches to a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A line of the thread only the support team sees.
fn internal_line(
    ticket: u64,
    kind: &'static str,
    by: &Technician,
    text: String,
    now: i64,
) -> NewMessage {
    NewMessage {
        ticket,
        direction: INTERNAL,
        kind,
        message_id: None,
        from_addr: by.email.clone(),
        from_name: by.name.clone(),
        to_addrs: Vec::new(),
        cc_addrs: Vec::new(),
        subject: String::new(),
        text_body: text,
        html_body: None,
        raw_sha256: None,
        created_at: now,
    }
}

fn merge_side(state: &ConsoleState) -> MergeSide {
    MergeSide {
        number: state.state.number,
        status: lifecycle_of(&state.state).status,
        merged_into: state.merged_into,
        organisation: state.state.organisation.clone(),
        requester: state.state.requester_email.to_lowercase(),
        participants: state.state.participants.clone(),
    }
}

impl<S> Desk<S>
where
    S: Store + Console,
    S::Tx: ConsoleTx,
{
    /// An internal note: kept in the thread for technicians, never mailed, never shown to the
    /// customer.
    pub async fn add_note(
        &self,
        number: u64,
        by: &Technician,
        body: &str,
    ) -> Result<(), ConsoleError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(ConsoleError::EmptyNote);
        }
        if body.len() > MAX_TEXT_BYTES {
            return Err(ConsoleError::TooLong);
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if tx.console_state(number).await?.is_none() {
            return Err(ConsoleError::NoSuchTicket(number));
        }
        tx.insert_message(&internal_line(number, KIND_NOTE, by, body.to_string(), now))
            .await?;
        tx.touch(number, now).await?;
        tx.commit().await?;
        tracing::info!(ticket = number, by = %by.email, "internal note added");
        Ok(())
    }

    /// Changes status, sector, priority and assignee as the form asks (only what differs); all
    /// or nothing. A new priority recomputes the SLA due times; resolving mails the requester.
    /// `technicians`: who may be assigned (lower-case addresses).
    pub async fn triage(
        &self,
        number: u64,
        by: &Technician,
        request: &TriageRequest,
        technicians: &[String],
    ) -> Result<TriagePlan, ConsoleError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let current = tx
            .console_state(number)
            .await?
            .ok_or(ConsoleError::NoSuchTicket(number))?;
        let facts = TriageFacts {
            lifecycle: lifecycle_of(&current.state),
            sector: current.state.sector.clone(),
            priority: current.priority.parse().unwrap_or(Priority::Normal),
            assignee: current.assignee.clone(),
        };
        let plan = triage::plan(
            &facts,
            request,
            &triage::TriageContext {
                sectors: &self.config.routing.sectors,
                technicians,
                window: self.reopen_window(),
                now: self.now(),
            },
        )?;
        if plan.is_empty() {
            return Ok(plan);
        }
        let state = &current.state;
        let mut events = Vec::new();
        if plan.sector.is_some() || plan.priority.is_some() || plan.assignee.is_some() {
            let sector = plan.sector.as_ref().map_or(&state.sector, |c| &c.to);
            let priority = plan.priority.as_ref().map_or(facts.priority, |c| c.to);
            let assignee = match &plan.assignee {
                Some(change) => change.to.as_deref(),
                None => facts.assignee.as_deref(),
            };
            tx.set_triage(number, sector, priority.as_str(), assignee, now)
                .await?;
        }
        if let Some(change) = &plan.sector {
            events.push(ThreadEvent::Sector {
                from: change.from.clone(),
                to: change.to.clone(),
            });
        }
        if let Some(change) = &plan.priority {
            self.reset_sla_due_times(&mut tx, number, &state.class, change.to, state.created_at)
                .await?;
            events.push(ThreadEvent::Priority {
                from: change.from,
                to: change.to,
            });
        }
        if let Some(change) = &plan.assignee {
            events.push(ThreadEvent::Assignee {
                from: change.from.clone(),
                to: change.to.clone(),
            });
        }
        let mut mailed = false;
        if let Some((change, step)) = &plan.status {
            let reason = match step {
                StatusStep::Resolve { reason } => {
                    tx.set_status(
                        number,
                        change.to.as_str(),
                        Some(now),
                        reason.as_deref(),
                        now,
                    )
                    .await?;
                    self.queue_resolution_notice(&mut tx, state, reason.as_deref(), now)
                        .await?;
                    mailed = true;
                    reason.clone()
                }
                StatusStep::Cancel
                | StatusStep::Reopen
                | StatusStep::AwaitCustomer
                | StatusStep::AwaitSupport => {
                    tx.set_status(number, change.to.as_str(), None, None, now)
                        .await?;
                    None
                }
            };
            events.push(ThreadEvent::Status {
                from: change.from,
                to: change.to,
                reason,
            });
        }
        for event in &events {
            tx.insert_message(&internal_line(number, KIND_EVENT, by, event.to_json(), now))
                .await?;
        }
        tx.commit().await?;
        if mailed {
            self.outbox_wake.notify_one();
        }
        tracing::info!(ticket = number, by = %by.email, changes = events.len(), "ticket triaged");
        Ok(plan)
    }

    /// Merges duplicate `source` into `target`: its messages move, its people join `target`,
    /// it becomes cancelled with a link to `target`, its requester is mailed the new number.
    /// `confirm_cross_organisation`: the technician confirmed a merge across organisations.
    pub async fn merge(
        &self,
        source: u64,
        target: u64,
        by: &Technician,
        confirm_cross_organisation: bool,
    ) -> Result<Merged, ConsoleError> {
        self.merge_into(source, Some(target), by, confirm_cross_organisation, false)
            .await
    }

    /// The verdict on a ticket flagged "tag from a stranger".
    pub async fn review(
        &self,
        number: u64,
        by: &Technician,
        choice: ReviewChoice,
    ) -> Result<Option<Merged>, ConsoleError> {
        match choice {
            // The technician read it and vouches for the sender: no second confirmation.
            ReviewChoice::Append => self
                .merge_into(number, None, by, true, true)
                .await
                .map(Some),
            ReviewChoice::KeepSeparate => {
                let now = self.now_ms();
                let mut tx = self.store.begin().await?;
                let current = tx
                    .console_state(number)
                    .await?
                    .ok_or(ConsoleError::NoSuchTicket(number))?;
                if !current.needs_review {
                    return Err(ConsoleError::NotFlagged(number));
                }
                tx.clear_review(number, now).await?;
                let line = ThreadEvent::ReviewKeptSeparate.to_json();
                tx.insert_message(&internal_line(number, KIND_EVENT, by, line, now))
                    .await?;
                tx.commit().await?;
                tracing::info!(ticket = number, by = %by.email, "review: kept separate");
                Ok(None)
            }
        }
    }

    /// A merge; `target` None: the ticket `source` is linked to (a review's "append"), and
    /// `source` must be flagged for review.
    async fn merge_into(
        &self,
        source: u64,
        target: Option<u64>,
        by: &Technician,
        confirm_cross_organisation: bool,
        review: bool,
    ) -> Result<Merged, ConsoleError> {
        // The notice threads under the duplicate's newest mail in the requester's mailbox.
        let thread = self.store.messages(source).await?;
        let parent = thread.iter().rev().find_map(|m| m.message_id.clone());
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let a = tx
            .console_state(source)
            .await?
            .ok_or(ConsoleError::NoSuchTicket(source))?;
        if review && !a.needs_review {
            return Err(ConsoleError::NotFlagged(source));
        }
        let target = match target.or(a.linked_ticket) {
            Some(target) => target,
            None => return Err(ConsoleError::NothingToAppendTo(source)),
        };
        let b = tx
            .console_state(target)
            .await?
            .ok_or(ConsoleError::NoSuchTicket(target))?;
        let plan = merge::plan(&merge_side(&a), &merge_side(&b), confirm_cross_organisation)?;

        let moved = tx.move_thread(source, target).await?;
        tx.add_participants(target, &plan.joining).await?;
        tx.set_status(source, TicketStatus::Cancelled.as_str(), None, None, now)
            .await?;
        tx.set_merged_into(source, target).await?;
        tx.touch(target, now).await?;
        let into = ThreadEvent::MergedInto { ticket: target }.to_json();
        tx.insert_message(&internal_line(source, KIND_EVENT, by, into, now))
            .await?;
        let from = ThreadEvent::MergedFrom {
            ticket: source,
            messages: moved,
        }
        .to_json();
        tx.insert_message(&internal_line(target, KIND_EVENT, by, from, now))
            .await?;

        let locale = locale_from(&a.state.locale);
        let new_tag = self.tag_text(&b.state.class, target);
        let text = catalog::merge_notice(
            locale,
            &self.tag_text(&a.state.class, source),
            &new_tag,
            &self.portal_link(target),
            &self.config.helpdesk.address,
        );
        let subject = self.tagged_subject(&b.state.class, target, &b.state.subject);
        let references = outbound::references_for_reply(&[], parent.as_deref());
        let message_id = self.signer.mint(target);
        let raw = outbound::render(&Draft {
            from_name: &self.config.helpdesk.name,
            from_address: &self.config.helpdesk.address,
            to_name: a.state.requester_name.as_deref(),
            to_address: &a.state.requester_email,
            subject: &subject,
            message_id: &message_id,
            in_reply_to: parent.as_deref(),
            references: &references,
            text_body: &text,
            automatic: true,
            language: locale.as_str(),
            date: now / 1000,
        })?;
        self.record_outbound(
            &mut tx,
            OutboundRecord {
                ticket: target,
                kind: "notification",
                to: &a.state.requester_email,
                subject: &subject,
                message_id: &message_id,
                body: &text,
                raw,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        tracing::info!(
            source,
            target,
            messages = moved,
            cross_organisation = plan.cross_organisation,
            by = %by.email,
            "ticket merged"
        );
        Ok(Merged {
            source,
            target,
            messages: moved,
            notified: plan.notify,
        })
    }

    /// A technician's reply with files: mailed to the requester with the tag and the files,
    /// the ticket waits on the customer. Without files it is [`Desk::reply`].
    pub async fn reply_with_files(
        &self,
        number: u64,
        body: &str,
        files: &[ReplyFile],
    ) -> Result<TicketStatus, ConsoleError> {
        if files.is_empty() {
            return Ok(self.reply(number, body).await?);
        }
        let body = body.trim();
        if body.is_empty() {
            return Err(OperatorError::EmptyReply.into());
        }
        if body.len() > MAX_TEXT_BYTES {
            return Err(ConsoleError::TooLong);
        }
        // Blobs before the transaction, as for mail: a crash leaves at most unreferenced files.
        let mut stored = Vec::with_capacity(files.len());
        for file in files {
            let sha256 = sha256_hex(&file.bytes);
            self.blobs.put(&sha256, &file.bytes)?;
            stored.push(NewAttachment {
                filename: file.filename.clone(),
                content_type: file.content_type.clone(),
                size: file.bytes.len() as u64,
                sha256,
                inline: false,
                content_id: None,
                omitted: false,
            });
        }
        let thread = self.store.messages(number).await?;
        let parent = thread.iter().rev().find_map(|m| m.message_id.clone());
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let current = tx
            .console_state(number)
            .await?
            .ok_or(ConsoleError::NoSuchTicket(number))?;
        let state = &current.state;
        let lifecycle = lifecycle_of(state);
        let decision = ppdesk_shared::status::decide(
            &lifecycle,
            ppdesk_shared::status::Actor::Technician,
            &ppdesk_shared::status::StatusEvent::TechnicianReply {
                awaiting_customer: true,
            },
            self.reopen_window(),
            self.now(),
        )
        .map_err(|source| OperatorError::Status {
            ticket: number,
            source,
        })?;
        let locale = locale_from(&state.locale);
        let tag = self.tag_text(&state.class, number);
        let text = format!(
            "{body}{}",
            catalog::reply_footer(locale, &tag, &self.config.helpdesk.address)
        );
        let subject = self.tagged_subject(&state.class, number, &state.subject);
        let references = outbound::references_for_reply(&[], parent.as_deref());
        let message_id = self.signer.mint(number);
        let attached: Vec<OutboundFile<'_>> = files
            .iter()
            .map(|f| OutboundFile {
                filename: &f.filename,
                content_type: &f.content_type,
                bytes: &f.bytes,
            })
            .collect();
        let raw = outbound::render_with_files(
            &Draft {
                from_name: &self.config.helpdesk.name,
                from_address: &self.config.helpdesk.address,
                to_name: state.requester_name.as_deref(),
                to_address: &state.requester_email,
                subject: &subject,
                message_id: &message_id,
                in_reply_to: parent.as_deref(),
                references: &references,
                text_body: &text,
                automatic: false,
                language: &state.locale,
                date: now / 1000,
            },
            &attached,
        )?;
        let message = tx
            .insert_message(&NewMessage {
                ticket: number,
                direction: "outbound",
                kind: "reply",
                message_id: Some(message_id.clone()),
                from_addr: self.config.helpdesk.address.clone(),
                from_name: Some(self.config.helpdesk.name.clone()),
                to_addrs: vec![state.requester_email.clone()],
                cc_addrs: Vec::new(),
                subject: subject.clone(),
                text_body: text.clone(),
                html_body: None,
                raw_sha256: None,
                created_at: now,
            })
            .await?;
        for attachment in &stored {
            tx.insert_attachment(message, attachment).await?;
        }
        tx.enqueue(&NewOutbound {
            ticket: Some(number),
            kind: "reply",
            recipient: state.requester_email.clone(),
            message_id,
            raw,
            created_at: now,
        })
        .await?;
        let status = match decision {
            ppdesk_shared::status::Decision::MoveTo(status) => {
                tx.set_status(number, status.as_str(), None, None, now)
                    .await?;
                status
            }
            _ => {
                tx.touch(number, now).await?;
                lifecycle.status
            }
        };
        tx.record_first_response(number, now).await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        tracing::info!(
            ticket = number,
            files = files.len(),
            "reply with files queued"
        );
        Ok(status)
    }

    /// The notice a technician's "resolved" mails the requester, in the caller's transaction
    /// (the same text as `ticket resolve`).
    async fn queue_resolution_notice(
        &self,
        tx: &mut S::Tx,
        state: &crate::store::TicketState,
        reason: Option<&str>,
        now: i64,
    ) -> Result<(), ConsoleError> {
        let locale = locale_from(&state.locale);
        let tag = self.tag_text(&state.class, state.number);
        let reopen_until = self.reopen_window().closes_at(self.now());
        let text = catalog::resolution_notice(
            locale,
            &tag,
            reason,
            &catalog::date(locale, self.config.sla.timezone.0, reopen_until),
        );
        let subject = self.tagged_subject(&state.class, state.number, &state.subject);
        let message_id = self.signer.mint(state.number);
        let raw = outbound::render(&Draft {
            from_name: &self.config.helpdesk.name,
            from_address: &self.config.helpdesk.address,
            to_name: state.requester_name.as_deref(),
            to_address: &state.requester_email,
            subject: &subject,
            message_id: &message_id,
            in_reply_to: None,
            references: &[],
            text_body: &text,
            automatic: true,
            language: &state.locale,
            date: now / 1000,
        })?;
        self.record_outbound(
            tx,
            OutboundRecord {
                ticket: state.number,
                kind: "notification",
                to: &state.requester_email,
                subject: &subject,
                message_id: &message_id,
                body: &text,
                raw,
            },
            now,
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
