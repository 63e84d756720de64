//! Read models: a ticket with its thread and outbox, as `ticket show --json` prints it and as
//! the web pages will render it.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use ppdesk_shared::api::{MachineFacts, TicketSummary};
use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Priority;
use serde::Serialize;

use crate::desk::Desk;
use crate::store::{
    AttachmentRecord, Store, StoreError, SubmissionRecord, TicketFilter, TicketRecord,
};

/// A person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub email: String,
    pub name: Option<String>,
}

/// An attachment.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    /// Downloaded at `/attachments/{id}`.
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub inline: bool,
    /// Over the size limit: kept only inside the raw message.
    pub omitted: bool,
}

/// One message of the thread.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub direction: String,
    pub kind: String,
    pub from: String,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub message_id: Option<String>,
    pub text_body: String,
    /// Sanitised with ammonia: safe to put in a page.
    pub html_body: Option<String>,
    pub attachments: Vec<AttachmentView>,
    pub created_at: String,
}

/// Whether a customer may see a message (and its attachments): everything but the support
/// team's internal lines — technicians' notes and the console's change records, stored with
/// direction `internal`. Every customer-facing page and download filters with it.
pub fn visible_to_customer(direction: &str) -> bool {
    direction != crate::store::console::INTERNAL
}

impl MessageView {
    /// See [`visible_to_customer`].
    pub fn visible_to_customer(&self) -> bool {
        visible_to_customer(&self.direction)
    }
}

/// One queued or sent mail.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxView {
    pub kind: String,
    pub recipient: String,
    pub message_id: String,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// What the agent API kept of the submission that opened a ticket.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionView {
    /// The organisation whose token opened the ticket.
    pub organisation: String,
    pub submission_id: Option<String>,
    /// The machine the ticket was sent from, as the agent described it.
    pub machine: Option<MachineFacts>,
    /// The contact's mail domain is not one of that organisation's domains.
    pub contact_outside_organisation: bool,
}

/// A ticket with everything on it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    pub number: u64,
    pub tag: String,
    pub class: String,
    pub subject: String,
    pub status: String,
    pub category: Option<String>,
    pub priority: String,
    pub sector: String,
    pub assignee: Option<String>,
    pub requester: PersonView,
    pub organisation: Option<String>,
    pub channel: String,
    pub locale: String,
    pub linked_ticket: Option<u64>,
    pub needs_review: bool,
    pub review_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub participants: Vec<String>,
    /// Present when the ticket came through the agent API.
    pub submission: Option<SubmissionView>,
    /// Due times and SLA state; absent for a ticket without an SLA.
    pub sla: Option<crate::sla::SlaView>,
    pub messages: Vec<MessageView>,
    pub outbox: Vec<OutboxView>,
}

/// A line of the ticket list.
#[derive(Debug, Clone, Serialize)]
pub struct TicketLine {
    pub number: u64,
    pub tag: String,
    pub subject: String,
    pub status: String,
    pub sector: String,
    pub priority: String,
    pub requester: String,
    pub needs_review: bool,
    pub updated_at: String,
    /// SLA state now (`on_track`, `at_risk`, `breached`, `met`, `none`).
    pub sla: crate::sla::SlaState,
}

/// RFC 3339 in UTC, to the second.
pub fn timestamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl<S: Store> Desk<S> {
    /// A ticket with its thread, or None.
    pub async fn ticket_view(&self, number: u64) -> Result<Option<TicketView>, StoreError> {
        let Some(ticket) = self.store.ticket(number).await? else {
            return Ok(None);
        };
        let messages = self.store.messages(number).await?;
        let outbox = self.store.outbox_for_ticket(number).await?;
        let participants = self.store.participants(number).await?;
        let submission = self.store.submission(number).await?.map(submission_view);
        let sla = crate::sla::SlaView::of(&ticket, self.now_ms());
        Ok(Some(TicketView {
            number,
            tag: self.tag_text(&ticket.class, number),
            class: ticket.class,
            subject: ticket.subject,
            status: ticket.status,
            category: ticket.category,
            priority: ticket.priority,
            sector: ticket.sector,
            assignee: ticket.assignee,
            requester: PersonView {
                email: ticket.requester_email,
                name: ticket.requester_name,
            },
            organisation: ticket.organisation,
            channel: ticket.channel,
            locale: ticket.locale,
            linked_ticket: ticket.linked_ticket,
            needs_review: ticket.needs_review,
            review_reason: ticket.review_reason,
            created_at: timestamp(ticket.created_at),
            updated_at: timestamp(ticket.updated_at),
            resolved_at: ticket.resolved_at.map(timestamp),
            resolution: ticket.resolution,
            participants,
            submission,
            sla,
            messages: messages
                .into_iter()
                .map(|m| MessageView {
                    html_body: m.html_body.as_deref().map(|html| {
                        crate::mail::html::for_page(html, &inline_parts(&m.attachments))
                    }),
                    direction: m.direction,
                    kind: m.kind,
                    from: m.from_addr,
                    from_name: m.from_name,
                    to: m.to_addrs,
                    cc: m.cc_addrs,
                    subject: m.subject,
                    message_id: m.message_id,
                    text_body: m.text_body,
                    attachments: m
                        .attachments
                        .into_iter()
                        .map(|a| AttachmentView {
                            id: a.id,
                            filename: a.filename,
                            content_type: a.content_type,
                            size: a.size,
                            sha256: a.sha256,
                            inline: a.inline,
                            omitted: a.omitted,
                        })
                        .collect(),
                    created_at: timestamp(m.created_at),
                })
                .collect(),
            outbox: outbox
                .into_iter()
                .map(|o| OutboxView {
                    kind: o.kind,
                    recipient: o.recipient,
                    message_id: o.message_id,
                    status: o.status,
                    attempts: o.attempts,
                    last_error: o.last_error,
                    created_at: timestamp(o.created_at),
                    sent_at: o.sent_at.map(timestamp),
                })
                .collect(),
        }))
    }

    /// Tickets, newest activity first.
    pub async fn ticket_lines(&self, filter: &TicketFilter) -> Result<Vec<TicketLine>, StoreError> {
        let tickets = self.store.tickets(filter).await?;
        Ok(tickets.into_iter().map(|t| self.line(t)).collect())
    }

    /// "My tickets" for the API: `organisation`'s tickets of `requester`, newest first.
    pub async fn ticket_summaries(
        &self,
        organisation: &str,
        requester: &str,
        limit: u32,
    ) -> Result<Vec<TicketSummary>, StoreError> {
        let tickets = self
            .store
            .requester_tickets(organisation, requester, limit)
            .await?;
        Ok(tickets.into_iter().map(|t| self.summary(t)).collect())
    }

    fn summary(&self, t: TicketRecord) -> TicketSummary {
        let instant = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        TicketSummary {
            tag: self.tag_text(&t.class, t.number),
            number: t.number,
            subject: t.subject,
            // An unknown value in the database reads as open and normal, never as closed.
            status: t.status.parse().unwrap_or(TicketStatus::WaitingOnSupport),
            priority: t.priority.parse().unwrap_or(Priority::Normal),
            sector: t.sector,
            created_at: instant(t.created_at),
            updated_at: instant(t.updated_at),
        }
    }

    fn line(&self, t: TicketRecord) -> TicketLine {
        TicketLine {
            sla: self.sla_state_of(&t),
            tag: self.tag_text(&t.class, t.number),
            number: t.number,
            subject: t.subject,
            status: t.status,
            sector: t.sector,
            priority: t.priority,
            requester: t.requester_email,
            needs_review: t.needs_review,
            updated_at: timestamp(t.updated_at),
        }
    }
}

/// Content-ID → attachment id of a message's parts, for `cid:` images in its HTML.
fn inline_parts(attachments: &[AttachmentRecord]) -> HashMap<String, i64> {
    attachments
        .iter()
        .filter(|a| !a.omitted)
        .filter_map(|a| Some((a.content_id.clone()?, a.id)))
        .collect()
}

fn submission_view(record: SubmissionRecord) -> SubmissionView {
    let machine = record.machine.as_deref().and_then(|json| {
        serde_json::from_str(json)
            .map_err(|e| {
                tracing::warn!(ticket = record.ticket, error = %e, "unreadable machine facts");
            })
            .ok()
    });
    SubmissionView {
        organisation: record.organisation,
        submission_id: record.submission_id,
        machine,
        contact_outside_organisation: record.contact_outside_organisation,
    }
}

impl SubmissionView {
    /// The lines `ticket show` prints for it.
    fn to_text(&self, contact: &str) -> String {
        let mut out = format!("sent with the agent for: {}", self.organisation);
        if let Some(id) = &self.submission_id {
            out += &format!("   submission: {id}");
        }
        out.push('\n');
        if self.contact_outside_organisation {
            out += &format!(
                "note: the contact {contact} is not in a mail domain of {}\n",
                self.organisation
            );
        }
        if let Some(m) = &self.machine {
            out += &format!(
                "machine: {}   os: {}   user: {}   agent: {}\n",
                m.hostname, m.os, m.user, m.agent_version
            );
            if !m.screens.is_empty() {
                out += &format!("screens: {}\n", m.screens.join(", "));
            }
            if let Some(window) = &m.active_window {
                out += &format!("active window: {window}\n");
            }
        }
        out
    }
}

impl TicketView {
    /// A plain-text rendering for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}  {}\n", self.tag, self.subject);
        out += &format!(
            "status: {}   sector: {}   priority: {}   category: {}\n",
            self.status,
            self.sector,
            self.priority,
            self.category.as_deref().unwrap_or("-")
        );
        out += &format!(
            "requester: {}{}   organisation: {}   channel: {}\n",
            self.requester
                .name
                .as_deref()
                .map(|n| format!("{n} "))
                .unwrap_or_default(),
            self.requester.email,
            self.organisation.as_deref().unwrap_or("-"),
            self.channel
        );
        if let Some(linked) = self.linked_ticket {
            out += &format!("linked to: {linked}\n");
        }
        if let Some(reason) = &self.review_reason {
            out += &format!("NEEDS REVIEW: {reason}\n");
        }
        if let Some(sla) = &self.sla {
            out += &sla.to_text();
        }
        if !self.participants.is_empty() {
            out += &format!("participants: {}\n", self.participants.join(", "));
        }
        if let Some(submission) = &self.submission {
            out += &submission.to_text(&self.requester.email);
        }
        for m in &self.messages {
            out += &format!(
                "\n--- {} {} {} from {} ---\n{}\n",
                m.created_at, m.direction, m.kind, m.from, m.subject
            );
            out += &format!("{}\n", m.text_body);
            for a in &m.attachments {
                out += &format!(
                    "  [{}] {} ({} bytes, {}){}\n",
                    if a.inline { "inline" } else { "attachment" },
                    a.filename,
                    a.size,
                    a.content_type,
                    if a.omitted {
                        " omitted: over the size limit"
                    } else {
                        ""
                    }
                );
            }
        }
        if !self.outbox.is_empty() {
            out += "\noutbox:\n";
            for o in &self.outbox {
                out += &format!(
                    "  {} to {}: {} after {} attempt(s){}\n",
                    o.kind,
                    o.recipient,
                    o.status,
                    o.attempts,
                    o.last_error
                        .as_deref()
                        .map(|e| format!(" — {e}"))
                        .unwrap_or_default()
                );
            }
        }
        out
    }
}
