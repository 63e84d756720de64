//! Read models: a ticket with its thread and outbox, as `ticket show --json` prints it and as
//! the web pages will render it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::desk::Desk;
use crate::store::{Store, StoreError, TicketFilter, TicketRecord};

/// A person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub email: String,
    pub name: Option<String>,
}

/// An attachment.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
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
            messages: messages
                .into_iter()
                .map(|m| MessageView {
                    direction: m.direction,
                    kind: m.kind,
                    from: m.from_addr,
                    from_name: m.from_name,
                    to: m.to_addrs,
                    cc: m.cc_addrs,
                    subject: m.subject,
                    message_id: m.message_id,
                    text_body: m.text_body,
                    html_body: m.html_body.as_deref().map(ammonia::clean),
                    attachments: m
                        .attachments
                        .into_iter()
                        .map(|a| AttachmentView {
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

    fn line(&self, t: TicketRecord) -> TicketLine {
        TicketLine {
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
        if !self.participants.is_empty() {
            out += &format!("participants: {}\n", self.participants.join(", "));
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
