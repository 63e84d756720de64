//! The HTTP API between the tray agent (or any script) and the server, version 1.
//!
//! Every route takes `Authorization: Bearer <organisation token>`.
//!
//! - `POST /api/v1/tickets`, `multipart/form-data`, fields named by [`form`]: opens a ticket
//!   exactly as a mailed one would (same routing, same acknowledgement), channel `agent`.
//!   Answers 201 with [`CreatedTicket`]. A repeated [`form::SUBMISSION_ID`] answers 200 with the
//!   ticket the first request created, so an agent that retries after a lost answer never opens
//!   the same ticket twice.
//! - `GET /api/v1/tickets?contact=EMAIL`: [`TicketSummary`] list, newest first ("my tickets").
//! - `GET /api/v1/kb/suggest?q=TEXT`: [`KbSuggestion`] list, best first.
//!
//! Every refusal is a 4xx/5xx with an [`ApiError`] body.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Priority, TicketStatus};

/// Path of the ticket collection.
pub const TICKETS_PATH: &str = "/api/v1/tickets";
/// Path of the knowledge-base suggestions.
pub const KB_SUGGEST_PATH: &str = "/api/v1/kb/suggest";

/// Names of the multipart fields of `POST /api/v1/tickets`.
pub mod form {
    /// Required, text: the ticket's subject (one line).
    pub const SUBJECT: &str = "subject";
    /// Text: what happened (plain text).
    pub const DESCRIPTION: &str = "description";
    /// Text: the category the user picked (free text, routed like a mail's subject words).
    pub const CATEGORY: &str = "category";
    /// Text: `low`, `normal`, `high` or `urgent` ([`crate::Priority`]).
    pub const PRIORITY: &str = "priority";
    /// Text: the requester's display name.
    pub const CONTACT_NAME: &str = "contact_name";
    /// Required, text: the requester's email address; acknowledgements go there.
    pub const CONTACT_EMAIL: &str = "contact_email";
    /// JSON text: [`super::MachineFacts`].
    pub const MACHINE: &str = "machine";
    /// Text, recommended: a client-chosen unique id of this submission (the agent's draft id).
    pub const SUBMISSION_ID: &str = "submission_id";
    /// File, at most one, `image/png`: the screenshot.
    pub const SCREENSHOT: &str = "screenshot";
    /// File, repeatable: any other attachment.
    pub const ATTACHMENT: &str = "attachment";
}

/// What the server accepts by default, so the agent refuses in its window what the server
/// would refuse later (the server's `[api]` config may lower the file limits).
pub mod limits {
    const MIB: u64 = 1024 * 1024;
    /// Longest subject, in characters.
    pub const MAX_SUBJECT_CHARS: usize = 200;
    /// Longest category, in characters.
    pub const MAX_CATEGORY_CHARS: usize = 64;
    /// Largest text field (the description is the long one), in bytes.
    pub const MAX_TEXT_BYTES: u64 = MIB;
    /// Default largest single file, in bytes (`[api] max_file_bytes`).
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * MIB;
    /// Default largest request, in bytes (`[api] max_request_bytes`).
    pub const DEFAULT_MAX_REQUEST_BYTES: u64 = 25 * MIB;
}

/// Answer to a successful `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedTicket {
    /// The ticket number, e.g. 10042.
    pub number: u64,
    /// The full tag, e.g. `#Standard# Ticket #[10042]`.
    pub tag: String,
    /// Status right after creation (waiting on support).
    pub status: TicketStatus,
    /// The sector in charge, as routed.
    pub sector: String,
}

/// One line of `GET /api/v1/tickets?contact=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub number: u64,
    pub tag: String,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub sector: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of `GET /api/v1/kb/suggest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbSuggestion {
    pub title: String,
    /// Absolute path on the server, e.g. `/kb/articles/stampante-offline`.
    pub url: String,
    /// A short excerpt, plain text.
    pub excerpt: String,
}

/// Facts about the machine a ticket was sent from, attached to the ticket for the technician.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineFacts {
    pub hostname: String,
    /// OS name and version, e.g. "Debian GNU/Linux 12" or "Windows 11 Pro 23H2".
    pub os: String,
    pub agent_version: String,
    /// The OS user the agent runs as.
    pub user: String,
    /// Every monitor as "WIDTHxHEIGHT" plus "+X+Y" origin, primary first.
    pub screens: Vec<String>,
    /// Title of the window the user was looking at, when the platform tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_window: Option<String>,
}

/// Body of every refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `missing_field`, `too_large`, `unauthorized`.
    pub error: String,
    /// What is wrong and where, in words a person can act on.
    pub message: String,
    /// The multipart field or query parameter at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_ticket_wire_form_is_stable() {
        let created = CreatedTicket {
            number: 10042,
            tag: "#Standard# Ticket #[10042]".into(),
            status: TicketStatus::WaitingOnSupport,
            sector: "Assistenza".into(),
        };
        let json = serde_json::to_string(&created).expect("serialises");
        assert_eq!(
            json,
            r##"{"number":10042,"tag":"#Standard# Ticket #[10042]","status":"waiting_on_support","sector":"Assistenza"}"##
        );
        let back: CreatedTicket = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, created);
    }

    #[test]
    fn api_error_omits_absent_field() {
        let error = ApiError {
            error: "unauthorized".into(),
            message: "missing bearer token".into(),
            field: None,
        };
        let json = serde_json::to_string(&error).expect("serialises");
        assert!(!json.contains("field"));
    }
}
