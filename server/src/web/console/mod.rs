//! The technician console (C1, C2, T5): staff only ([`StaffViewer`] on every route).
//!
//! - `GET /console`: queues per sector (tabs with open-ticket counts, "mine", "to review"),
//!   filters by status, priority, SLA state and assignee, full-text search, keyset pages
//!   (`queue_filter` reads the query string; [`queue`]).
//! - `GET /console/tickets/{n}`: the whole thread (internal notes and change lines marked as
//!   such, screenshots inline), the ticket's facts, the agent's machine facts, the SLA; forms to
//!   reply (with files), add an internal note, change status/sector/priority/assignee, merge it
//!   into another ticket, and decide a "tag from a stranger" review ([`ticket`]).
//! - `GET|POST /console/phone`: a phone or fax ticket on a caller's behalf ([`phone`]).
//!
//! The moves are the desk's (`console_actions`, `ingest::phone`); handlers check who is asking,
//! read the form and show the outcome: a redirect with `?done=…`, or the page again (422) with
//! the refusal in the reader's language next to the form that caused it.

pub mod phone;
pub mod queue;
pub mod ticket;

use axum::Router;
use axum::routing::{get, post};
use chrono::DateTime;
use chrono_tz::Tz;
use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Priority;

use super::auth::Viewer;
use super::texts::Texts;
use super::{WebState, WebStore};
use crate::console_actions::Technician;
use crate::sla::SlaState;
use crate::store::StoreError;
use crate::web::portal::thread::local_time;

/// Tickets per queue page.
pub const PAGE_SIZE: u32 = 50;

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new()
        .route("/console", get(queue::page::<S>))
        .route("/console/tickets/{number}", get(ticket::page::<S>))
        .route("/console/tickets/{number}/reply", post(ticket::reply::<S>))
        .route("/console/tickets/{number}/note", post(ticket::note::<S>))
        .route(
            "/console/tickets/{number}/triage",
            post(ticket::triage::<S>),
        )
        .route("/console/tickets/{number}/merge", post(ticket::merge::<S>))
        .route(
            "/console/tickets/{number}/review",
            post(ticket::review::<S>),
        )
        .route(
            "/console/phone",
            get(phone::form::<S>).post(phone::register::<S>),
        )
}

/// `/console/tickets/<n>`.
pub fn ticket_href(number: u64) -> String {
    format!("/console/tickets/{number}")
}

/// The technician a signed-in staff member acts as.
pub fn technician(viewer: &Viewer) -> Technician {
    Technician {
        email: viewer.user.email.to_lowercase(),
        name: viewer.user.name.clone(),
    }
}

/// Who may be assigned tickets: the config's technicians and every active technician or admin
/// account, lower-case, sorted, each once; with display names where an account has one.
pub async fn assignable<S: WebStore>(
    web: &WebState<S>,
) -> Result<Vec<(String, Option<String>)>, StoreError> {
    let mut people: Vec<(String, Option<String>)> = web
        .desk
        .store
        .staff()
        .await?
        .into_iter()
        .map(|m| (m.email, m.name))
        .collect();
    for address in &web.desk.config.helpdesk.technicians {
        let address = address.to_lowercase();
        if !people.iter().any(|(email, _)| *email == address) {
            people.push((address, None));
        }
    }
    people.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(people)
}

/// The helpdesk's time zone (the SLA calendar's), in which pages show times.
pub fn timezone<S: WebStore>(web: &WebState<S>) -> Tz {
    web.desk.config.sla.timezone.0
}

/// A stored time (Unix ms) as the reader reads it.
pub fn time_of_ms(t: &Texts, tz: Tz, ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|at| local_time(t.locale, tz, at))
        .unwrap_or_default()
}

/// A status in the reader's language.
pub fn status_label(t: &Texts, status: TicketStatus) -> &'static str {
    let c = t.console;
    match status {
        TicketStatus::WaitingOnSupport => c.status_waiting_on_support,
        TicketStatus::WaitingOnCustomer => c.status_waiting_on_customer,
        TicketStatus::Resolved => c.status_resolved,
        TicketStatus::Cancelled => c.status_cancelled,
    }
}

/// A stored status text in the reader's language (an unknown one reads as open).
pub fn status_text_label(t: &Texts, status: &str) -> &'static str {
    status_label(t, status.parse().unwrap_or(TicketStatus::WaitingOnSupport))
}

/// The CSS class of a status badge (the portal's names): `waiting-on-support`, …
pub fn status_class(status: &str) -> &'static str {
    crate::web::portal::status_id(status.parse().unwrap_or(TicketStatus::WaitingOnSupport))
}

/// A priority in the reader's language.
pub fn priority_label(t: &Texts, priority: Priority) -> &'static str {
    let c = t.console;
    match priority {
        Priority::Low => c.priority_low,
        Priority::Normal => c.priority_normal,
        Priority::High => c.priority_high,
        Priority::Urgent => c.priority_urgent,
    }
}

/// An SLA state in the reader's language.
pub fn sla_label(t: &Texts, state: SlaState) -> &'static str {
    let c = t.console;
    match state {
        SlaState::OnTrack => c.sla_on_track,
        SlaState::AtRisk => c.sla_at_risk,
        SlaState::Breached => c.sla_breached,
        SlaState::Met => c.sla_met,
        SlaState::NotApplicable => c.sla_none,
    }
}

/// The CSS class of an SLA badge: `sla-on_track`, `sla-breached`, …
pub fn sla_class(state: SlaState) -> String {
    format!("sla-{}", state.as_str())
}

/// A channel in the reader's language (an unknown one as stored).
pub fn channel_label(t: &Texts, channel: &str) -> String {
    let c = t.console;
    match channel {
        "email" => c.channel_email,
        "agent" => c.channel_agent,
        "portal" => c.channel_portal,
        "phone" => c.channel_phone,
        "fax" => c.channel_fax,
        other => return other.to_string(),
    }
    .to_string()
}

/// A ticket number from a path; anything else is a page that does not exist.
pub fn parse_number(text: &str) -> Option<u64> {
    text.parse().ok()
}

/// A choice of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    /// A choice, selected when `value == current`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        let selected = value == current;
        Opt {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// One labelled fact of a ticket.
pub struct Fact {
    /// Element id, for browser tests.
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
}
