//! The customer portal (P2–P4): "Helpdesk online" of the customer's procedure.
//!
//! - `GET /portal`: the left column lists the open tickets split into "In attesa del supporto"
//!   and "In attesa del cliente", below them "Risolti" and "Annullati" (the newest of each, with
//!   a link to the rest: `GET /portal?list=<status>&after=<cursor>`). A customer sees the
//!   tickets they asked for or were copied on; an organisation admin every ticket of the
//!   organisation (`access::may_see_ticket`, the same rule as every page).
//! - `GET /portal/tickets/{n}`: the thread without the support team's internal lines
//!   ([`thread::customer_sees`]), mail HTML sanitised, screenshots inline, files to download;
//!   `POST …/reply` ("Rispondi", with files), `POST …/resolve` ("Segna come risolto", reason
//!   required), `POST …/reopen` ("Riapri il ticket", while the window is open). A ticket the
//!   reader may not see is a 404, whatever the route.
//! - `GET|POST /portal/new`: "Apri un nuovo ticket"; the title input asks the knowledge base for
//!   related articles while it is typed (`data-kb-suggest`); "INVIA" opens the ticket and sends
//!   the acknowledgement as for a mailed one, then shows the ticket with "Ticket #[N] aperto".
//! - `GET /tickets/{n}`: the link in mails, sent on to the portal (or the console for staff).
//!
//! The moves themselves are the desk's (`ingest::web`); these handlers check who is asking,
//! read the form and show the outcome.

pub mod new_ticket;
pub mod thread;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::DateTime;
use chrono_tz::Tz;
use ppdesk_shared::status::{StatusError, TicketStatus};
use ppdesk_shared::ticket::Priority;
use serde::Deserialize;

use self::new_ticket::{NewTicketForm, Problem, Problems};
use self::thread::{MessageItem, customer_thread, local_time};
use super::auth::{CustomerViewer, Viewer};
use super::error::WebError;
use super::forms::{CsrfForm, CsrfMultipart, Upload};
use super::page::{self, Chrome};
use super::texts::{Texts, fill};
use super::{WebState, WebStore};
use crate::access::{TicketAccessFacts, may_see_ticket};
use crate::accounts::Role;
use crate::api::submission::{FormPart, SubmittedFile, attachment_file};
use crate::config::size::format_size;
use crate::ingest::web::{PortalAuthor, PortalError, PortalTicket, ReplyOffer};
use crate::store::TicketRecord;
use crate::store::accounts::UserRecord;
use crate::store::portal::{PortalScope, TicketCursor};

/// Open tickets shown per list on the home page.
const HOME_OPEN: u32 = 50;
/// Resolved and cancelled tickets shown per list on the home page.
const HOME_CLOSED: u32 = 10;
/// Tickets per page of one list.
const LIST_PAGE: u32 = 50;
/// The file input of the reply and new-ticket forms.
pub const FILES_FIELD: &str = "files";

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new()
        .route("/portal", get(home::<S>))
        .route("/portal/tickets/{number}", get(ticket::<S>))
        .route("/portal/tickets/{number}/reply", post(reply::<S>))
        .route("/portal/tickets/{number}/resolve", post(resolve::<S>))
        .route("/portal/tickets/{number}/reopen", post(reopen::<S>))
        .route("/portal/new", get(new_form::<S>).post(create::<S>))
        .route("/tickets/{number}", get(mail_link::<S>))
}

/// `/portal/tickets/<n>`.
pub fn ticket_href(number: u64) -> String {
    format!("/portal/tickets/{number}")
}

/// The ticket if `user` may see it; a 404 otherwise, exactly as for a number that does not
/// exist (a 403 would confirm it does).
pub async fn visible_ticket<S: WebStore>(
    web: &WebState<S>,
    user: &UserRecord,
    number: u64,
) -> Result<TicketRecord, WebError> {
    let store = &web.desk.store;
    let ticket = store.ticket(number).await?.ok_or(WebError::NotFound)?;
    let participants = store.participants(number).await?;
    if may_see_ticket(user, &TicketAccessFacts::of(&ticket, participants)) {
        Ok(ticket)
    } else {
        Err(WebError::NotFound)
    }
}

/// A ticket number from a path; anything else is a page that does not exist.
fn parse_number(text: &str) -> Result<u64, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// Portal moves are the customer's: staff act from the console.
fn require_customer(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.user.role.is_customer_side() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn author(user: &UserRecord) -> PortalAuthor<'_> {
    PortalAuthor {
        email: &user.email,
        name: user.name.as_deref(),
        organisation: user.organisation.as_deref(),
    }
}

fn timezone<S: WebStore>(web: &WebState<S>) -> Tz {
    web.desk.config.sla.timezone.0
}

/// One ticket's status in the reader's language.
pub fn badge_label(t: &Texts, status: &str) -> &'static str {
    match status.parse().unwrap_or(TicketStatus::WaitingOnSupport) {
        TicketStatus::WaitingOnSupport => t.portal.badge_waiting_on_support,
        TicketStatus::WaitingOnCustomer => t.portal.badge_waiting_on_customer,
        TicketStatus::Resolved => t.portal.badge_resolved,
        TicketStatus::Cancelled => t.portal.badge_cancelled,
    }
}

/// A list of tickets of one status, named in the reader's language.
pub fn status_label(t: &Texts, status: &str) -> &'static str {
    match status.parse().unwrap_or(TicketStatus::WaitingOnSupport) {
        TicketStatus::WaitingOnSupport => t.portal.waiting_on_support,
        TicketStatus::WaitingOnCustomer => t.portal.waiting_on_customer,
        TicketStatus::Resolved => t.portal.resolved,
        TicketStatus::Cancelled => t.portal.cancelled,
    }
}

/// The CSS class and element id of a status: `waiting-on-support`…
pub fn status_id(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::WaitingOnSupport => "waiting-on-support",
        TicketStatus::WaitingOnCustomer => "waiting-on-customer",
        TicketStatus::Resolved => "resolved",
        TicketStatus::Cancelled => "cancelled",
    }
}

fn priority_label(t: &Texts, priority: Priority) -> &'static str {
    match priority {
        Priority::Low => t.portal.priority_low,
        Priority::Normal => t.portal.priority_normal,
        Priority::High => t.portal.priority_high,
        Priority::Urgent => t.portal.priority_urgent,
    }
}

fn channel_label(t: &Texts, channel: &str) -> String {
    let p = t.portal;
    match channel {
        "email" => p.channel_email,
        "agent" => p.channel_agent,
        "portal" => p.channel_portal,
        "phone" => p.channel_phone,
        "fax" => p.channel_fax,
        other => return other.to_string(),
    }
    .to_string()
}

fn time_of_ms(t: &Texts, tz: Tz, ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|at| local_time(t.locale, tz, at))
        .unwrap_or_default()
}

// ---- home -----------------------------------------------------------------------------------

/// One line of a ticket list.
pub struct TicketLine {
    pub number: u64,
    pub href: String,
    pub tag: String,
    pub subject: String,
    pub updated: String,
    /// Who opened it, when it is not the reader (organisation admins see colleagues').
    pub requester: Option<String>,
}

/// One list of the home page.
pub struct TicketList {
    /// Element id: `waiting-on-support`, `waiting-on-customer`, `resolved`, `cancelled`.
    pub id: &'static str,
    pub heading: &'static str,
    pub tickets: Vec<TicketLine>,
    /// The next tickets of this list, when there are more.
    pub more_href: Option<String>,
}

/// `/portal`.
#[derive(Template)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub heading: String,
    /// For organisation admins: whose tickets these are.
    pub scope_hint: Option<String>,
    /// The lists shown: all four, or the one asked for.
    pub lists: Vec<TicketList>,
    /// Showing one list: the link back.
    pub single: bool,
}

#[derive(Debug, Default, Deserialize)]
struct HomeQuery {
    list: Option<String>,
    after: Option<String>,
}

fn scope_of<'a>(user: &'a UserRecord, email: &str) -> Option<&'a str> {
    match (user.role, user.organisation.as_deref()) {
        (Role::OrgAdmin, Some(name)) if !name.trim().is_empty() && !email.is_empty() => Some(name),
        _ => None,
    }
}

fn cursor_text(t: &TicketRecord) -> String {
    format!("{}.{}", t.updated_at, t.number)
}

fn parse_cursor(text: &str) -> Option<TicketCursor> {
    let (updated, number) = text.split_once('.')?;
    Some(TicketCursor {
        updated_at: updated.parse().ok()?,
        number: number.parse().ok()?,
    })
}

async fn home<S: WebStore>(
    State(web): State<WebState<S>>,
    CustomerViewer(viewer): CustomerViewer,
    Query(query): Query<HomeQuery>,
    uri: Uri,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let email = viewer.user.email.trim().to_lowercase();
    let organisation = scope_of(&viewer.user, &email);
    let scope = match organisation {
        Some(name) => PortalScope::Organisation {
            name,
            email: &email,
        },
        None => PortalScope::Person { email: &email },
    };
    let single = query
        .list
        .as_deref()
        .map(|l| l.parse::<TicketStatus>().map_err(|_| WebError::NotFound))
        .transpose()?;
    let wanted: Vec<(TicketStatus, u32)> = match single {
        Some(status) => vec![(status, LIST_PAGE)],
        None => TicketStatus::ALL
            .into_iter()
            .map(|s| (s, if s.is_open() { HOME_OPEN } else { HOME_CLOSED }))
            .collect(),
    };
    let after = query.after.as_deref().and_then(parse_cursor);
    let tz = timezone(&web);
    // The lists are read side by side (the store reads on several connections).
    let after = after.filter(|_| single.is_some());
    let pages = futures::future::try_join_all(wanted.iter().map(|&(status, limit)| {
        web.desk
            .store
            .portal_tickets(scope, status, after, limit + 1)
    }))
    .await?;
    let mut lists = Vec::with_capacity(wanted.len());
    for ((status, limit), mut tickets) in wanted.into_iter().zip(pages) {
        let more = tickets.len() > limit as usize;
        tickets.truncate(limit as usize);
        let more_href = more.then(|| {
            let last = tickets.last().map(cursor_text).unwrap_or_default();
            format!("/portal?list={}&after={last}", status.as_str())
        });
        lists.push(TicketList {
            id: status_id(status),
            heading: status_label(&t, status.as_str()),
            tickets: tickets
                .iter()
                .map(|ticket| TicketLine {
                    number: ticket.number,
                    href: ticket_href(ticket.number),
                    tag: web.desk.tag_text(&ticket.class, ticket.number),
                    subject: ticket.subject.clone(),
                    updated: fill(
                        t.portal.updated_on,
                        &[("date", &time_of_ms(&t, tz, ticket.updated_at))],
                    ),
                    requester: (ticket.requester_email != email).then(|| {
                        let who = ticket
                            .requester_name
                            .clone()
                            .unwrap_or_else(|| ticket.requester_email.clone());
                        fill(t.portal.requested_by, &[("name", &who)])
                    }),
                })
                .collect(),
            more_href,
        });
    }
    let heading = match organisation {
        Some(name) => fill(t.portal.home_heading_org, &[("organisation", name)]),
        None => t.portal.home_heading.to_string(),
    };
    let page = HomePage {
        chrome: viewer.chrome(heading.clone(), uri.path()),
        heading,
        scope_hint: organisation
            .map(|name| fill(t.portal.home_org_hint, &[("organisation", name)])),
        lists,
        single: single.is_some(),
    };
    Ok(page::render(&page))
}

// ---- ticket page ----------------------------------------------------------------------------

/// A fact about the ticket (category, priority…).
pub struct Fact {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// What the page says after a move, or why a move was refused.
#[derive(Debug, Default)]
pub struct Feedback {
    /// Done: shown as `id="flash"`.
    pub flash: Option<String>,
    /// A second line under the flash.
    pub flash_detail: Option<String>,
    /// The reply form's text, kept when the reply was refused.
    pub reply_body: String,
    pub reply_error: Option<String>,
    /// The resolve form's reason, kept when refused.
    pub resolve_reason: String,
    pub resolve_error: Option<String>,
    pub reopen_error: Option<String>,
    /// A refusal that belongs to no form (the ticket moved on meanwhile).
    pub error: Option<String>,
}

/// `/portal/tickets/{n}`.
#[derive(Template)]
#[template(path = "portal/ticket.html")]
pub struct TicketPage {
    pub chrome: Chrome,
    pub number: u64,
    pub tag: String,
    pub subject: String,
    /// `waiting-on-support`…
    pub status_id: &'static str,
    pub status_label: &'static str,
    pub facts: Vec<Fact>,
    /// Resolved: when, and why.
    pub resolved_line: Option<String>,
    pub resolution: Option<String>,
    pub messages: Vec<MessageItem>,
    /// The reply form is shown.
    pub can_reply: bool,
    /// A reply reopens the ticket.
    pub reply_reopens: bool,
    /// Why no reply is taken, with the link to a new ticket.
    pub reply_closed: Option<String>,
    pub can_resolve: bool,
    /// "Riapri il ticket" is offered: until when.
    pub reopen_until: Option<String>,
    pub files_hint: String,
    pub new_ticket_href: String,
    /// A merged duplicate: where the conversation went, and the link there.
    pub merged_text: Option<String>,
    pub merged_href: String,
    pub feedback: Feedback,
}

#[derive(Debug, Default, Deserialize)]
struct TicketQuery {
    done: Option<String>,
}

fn flash_of(t: &Texts, done: &str, number: u64) -> (Option<String>, Option<String>) {
    let p = t.portal;
    match done {
        "opened" => (
            Some(fill(p.flash_opened, &[("number", &format!("{number:05}"))])),
            Some(p.flash_opened_mail.to_string()),
        ),
        "replied" => (Some(p.flash_replied.to_string()), None),
        "reopened-by-reply" => (Some(p.flash_replied_reopened.to_string()), None),
        "resolved" => (Some(p.flash_resolved.to_string()), None),
        "reopened" => (Some(p.flash_reopened.to_string()), None),
        _ => (None, None),
    }
}

async fn ticket<S: WebStore>(
    State(web): State<WebState<S>>,
    CustomerViewer(viewer): CustomerViewer,
    Path(number): Path<String>,
    Query(query): Query<TicketQuery>,
) -> Result<Response, WebError> {
    let number = parse_number(&number)?;
    let (flash, flash_detail) = query
        .done
        .as_deref()
        .map(|done| flash_of(&viewer.texts(), done, number))
        .unwrap_or_default();
    let feedback = Feedback {
        flash,
        flash_detail,
        ..Feedback::default()
    };
    show_ticket(&web, &viewer, number, feedback, StatusCode::OK).await
}

/// The ticket page, with what the last move said.
async fn show_ticket<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    number: u64,
    feedback: Feedback,
    status: StatusCode,
) -> Result<Response, WebError> {
    let record = visible_ticket(web, &viewer.user, number).await?;
    let view = web
        .desk
        .ticket_view(number)
        .await?
        .ok_or(WebError::NotFound)?;
    let t = viewer.texts();
    let p = t.portal;
    let tz = timezone(web);
    let offer = web
        .desk
        .portal_offer_for(&record.status, record.resolved_at);
    let ticket_status: TicketStatus = record
        .status
        .parse()
        .unwrap_or(TicketStatus::WaitingOnSupport);
    let mut facts = Vec::new();
    if let Some(category) = &record.category {
        facts.push(Fact {
            id: "fact-category",
            label: p.field_category,
            value: category.clone(),
        });
    }
    facts.push(Fact {
        id: "fact-priority",
        label: p.field_priority,
        value: priority_label(&t, record.priority.parse().unwrap_or(Priority::Normal)).to_string(),
    });
    facts.push(Fact {
        id: "fact-sector",
        label: p.field_sector,
        value: record.sector.clone(),
    });
    facts.push(Fact {
        id: "fact-requester",
        label: p.field_requester,
        value: match &record.requester_name {
            Some(name) => format!("{name} <{}>", record.requester_email),
            None => record.requester_email.clone(),
        },
    });
    facts.push(Fact {
        id: "fact-opened",
        label: p.field_opened,
        value: time_of_ms(&t, tz, record.created_at),
    });
    facts.push(Fact {
        id: "fact-channel",
        label: p.field_channel,
        value: channel_label(&t, &record.channel),
    });
    let reply_closed = match offer.reply {
        ReplyOffer::Open => None,
        ReplyOffer::WindowClosed(closed_at) => Some(window_closed_text(&t, tz, closed_at)),
        ReplyOffer::Cancelled => Some(p.reply_cancelled.to_string()),
    };
    let merged_into = web.desk.store.merged_into(number).await?;
    let merged_text = match merged_into {
        Some(target) => {
            let tag = match web.desk.store.ticket(target).await? {
                Some(kept) => web.desk.tag_text(&kept.class, target),
                None => format!("#[{target:05}]"),
            };
            Some(fill(p.merged_into, &[("tag", &tag)]))
        }
        None => None,
    };
    let limits = &web.desk.config.web;
    let page = TicketPage {
        chrome: viewer.chrome(
            format!("{} {}", view.tag, view.subject),
            &ticket_href(number),
        ),
        number,
        tag: view.tag.clone(),
        subject: view.subject.clone(),
        status_id: status_id(ticket_status),
        status_label: badge_label(&t, &record.status),
        facts,
        resolved_line: (ticket_status == TicketStatus::Resolved)
            .then_some(record.resolved_at)
            .flatten()
            .map(|at| fill(p.resolved_on, &[("date", &time_of_ms(&t, tz, at))])),
        resolution: (ticket_status == TicketStatus::Resolved)
            .then(|| record.resolution.clone())
            .flatten(),
        messages: customer_thread(&view.messages, &t, tz, &web.desk.config.helpdesk.name),
        can_reply: offer.reply == ReplyOffer::Open,
        reply_reopens: offer.reply == ReplyOffer::Open && ticket_status == TicketStatus::Resolved,
        reply_closed,
        can_resolve: offer.resolve,
        reopen_until: offer.reopen_until.map(|until| {
            fill(
                p.reopen_until,
                &[("date", &local_time(t.locale, tz, until))],
            )
        }),
        files_hint: fill(
            p.files_hint,
            &[
                ("file_limit", &format_size(limits.max_file_bytes)),
                ("total_limit", &format_size(limits.max_upload_bytes)),
            ],
        ),
        new_ticket_href: format!("/portal/new?from={number}"),
        merged_text,
        merged_href: merged_into.map(ticket_href).unwrap_or_default(),
        feedback,
    };
    Ok(page::render_with_status(status, &page))
}

fn window_closed_text(t: &Texts, tz: Tz, closed_at: Option<DateTime<chrono::Utc>>) -> String {
    match closed_at {
        Some(at) => fill(
            t.portal.reply_window_closed,
            &[("date", &local_time(t.locale, tz, at))],
        ),
        None => t.portal.reply_window_closed_undated.to_string(),
    }
}

/// Where a refused move's words go on the page.
enum RefusalSpot {
    Reply,
    Resolve,
    Reopen,
}

/// Shows the ticket again with why `error` refused the move (422), or fails the request for
/// errors that are not the reader's (missing ticket: 404; storage: 500).
async fn refused<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    number: u64,
    error: PortalError,
    spot: RefusalSpot,
    mut feedback: Feedback,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let p = t.portal;
    let tz = timezone(web);
    let text = match &error {
        PortalError::NoSuchTicket(_) => return Err(WebError::NotFound),
        PortalError::Ingest(e) => return Err(WebError::Internal(e.to_string())),
        PortalError::EmptyReply => p.reply_empty.to_string(),
        PortalError::ReopenWindowClosed { closed_at, .. } => window_closed_text(&t, tz, *closed_at),
        PortalError::Cancelled(_) => p.reply_cancelled.to_string(),
        PortalError::Status {
            source: StatusError::ReasonRequired,
            ..
        } => p.reason_required.to_string(),
        PortalError::Status {
            source: StatusError::NotAllowed { status, .. },
            ..
        } => fill(
            p.not_available,
            &[("status", badge_label(&t, status.as_str()))],
        ),
        PortalError::Status { source, .. } => source.to_string(),
    };
    tracing::info!(ticket = number, reason = %error, "portal move refused");
    match (&error, spot) {
        (
            PortalError::Status {
                source: StatusError::NotAllowed { .. },
                ..
            },
            _,
        ) => feedback.error = Some(text),
        (_, RefusalSpot::Reply) => feedback.reply_error = Some(text),
        (_, RefusalSpot::Resolve) => feedback.resolve_error = Some(text),
        (_, RefusalSpot::Reopen) => feedback.reopen_error = Some(text),
    }
    show_ticket(
        web,
        viewer,
        number,
        feedback,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The files of a form's file input, named and typed as the API names and types them.
fn submitted_files(upload: &Upload) -> Vec<SubmittedFile> {
    upload
        .files
        .iter()
        .filter(|f| f.field == FILES_FIELD)
        .enumerate()
        .map(|(index, f)| {
            attachment_file(
                index,
                FormPart {
                    name: f.field.clone(),
                    file_name: Some(f.filename.clone()),
                    content_type: Some(f.content_type.clone()),
                    bytes: f.bytes.clone(),
                },
            )
        })
        .collect()
}

async fn reply<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(number): Path<String>,
    CsrfMultipart(viewer, upload): CsrfMultipart,
) -> Result<Response, WebError> {
    require_customer(&viewer)?;
    let number = parse_number(&number)?;
    visible_ticket(&web, &viewer.user, number).await?;
    let body = upload.text("body").unwrap_or_default();
    let files = submitted_files(&upload);
    match web
        .desk
        .portal_reply(number, author(&viewer.user), body, &files)
        .await
    {
        Ok(done) => {
            let done = if done.reopened {
                "reopened-by-reply"
            } else {
                "replied"
            };
            Ok(Redirect::to(&format!("{}?done={done}", ticket_href(number))).into_response())
        }
        Err(error) => {
            let feedback = Feedback {
                reply_body: body.to_string(),
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, RefusalSpot::Reply, feedback).await
        }
    }
}

#[derive(Debug, Deserialize)]
struct ResolveForm {
    #[serde(default)]
    reason: String,
}

async fn resolve<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(number): Path<String>,
    CsrfForm(viewer, form): CsrfForm<ResolveForm>,
) -> Result<Response, WebError> {
    require_customer(&viewer)?;
    let number = parse_number(&number)?;
    visible_ticket(&web, &viewer.user, number).await?;
    match web.desk.portal_resolve(number, &form.reason).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?done=resolved", ticket_href(number))).into_response())
        }
        Err(error) => {
            let feedback = Feedback {
                resolve_reason: form.reason,
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, RefusalSpot::Resolve, feedback).await
        }
    }
}

async fn reopen<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(number): Path<String>,
    CsrfForm(viewer, _form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    require_customer(&viewer)?;
    let number = parse_number(&number)?;
    visible_ticket(&web, &viewer.user, number).await?;
    match web.desk.portal_reopen(number, author(&viewer.user)).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?done=reopened", ticket_href(number))).into_response())
        }
        Err(error) => {
            refused(
                &web,
                &viewer,
                number,
                error,
                RefusalSpot::Reopen,
                Feedback::default(),
            )
            .await
        }
    }
}

/// `/tickets/{n}`: the link in every acknowledgement.
async fn mail_link<S: WebStore>(
    State(_web): State<WebState<S>>,
    viewer: Viewer,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let number = parse_number(&number)?;
    let target = if viewer.user.role.is_staff() {
        format!("/console/tickets/{number}")
    } else {
        ticket_href(number)
    };
    Ok(Redirect::to(&target).into_response())
}

// ---- new ticket -----------------------------------------------------------------------------

/// A choice of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The problems of the new-ticket form, worded.
#[derive(Default)]
pub struct ProblemTexts {
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// `/portal/new`.
#[derive(Template)]
#[template(path = "portal/new.html")]
pub struct NewTicketPage {
    pub chrome: Chrome,
    pub form: NewTicketForm,
    /// The account's address (the requester; not editable).
    pub email: String,
    /// Configured categories (none: no category field).
    pub categories: Vec<String>,
    pub priorities: Vec<Choice>,
    pub problems: ProblemTexts,
    pub any_problem: bool,
    /// Files were chosen but the form came back: they must be attached again.
    pub files_again: bool,
    pub files_hint: String,
}

fn problem_text(t: &Texts, problem: Option<Problem>) -> Option<String> {
    let p = t.portal;
    problem.map(|problem| match problem {
        Problem::Required => p.problem_required.to_string(),
        Problem::TooLong { max } => fill(p.problem_too_long, &[("max", &max.to_string())]),
        Problem::NotOneLine => p.problem_one_line.to_string(),
        Problem::UnknownCategory => p.problem_category.to_string(),
        Problem::UnknownPriority => p.problem_priority.to_string(),
        Problem::BadPhone => p.problem_phone.to_string(),
    })
}

fn new_ticket_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    form: NewTicketForm,
    problems: Problems,
    files_again: bool,
) -> NewTicketPage {
    let t = viewer.texts();
    let limits = &web.desk.config.web;
    NewTicketPage {
        chrome: viewer.chrome(t.portal.new_heading, "/portal/new"),
        form,
        email: viewer.user.email.clone(),
        categories: web.desk.config.routing.categories.clone(),
        priorities: Priority::ALL
            .into_iter()
            .map(|priority| Choice {
                value: priority.as_str().to_string(),
                label: priority_label(&t, priority).to_string(),
            })
            .collect(),
        problems: ProblemTexts {
            contact_name: problem_text(&t, problems.contact_name),
            contact_phone: problem_text(&t, problems.contact_phone),
            category: problem_text(&t, problems.category),
            priority: problem_text(&t, problems.priority),
            title: problem_text(&t, problems.title),
            description: problem_text(&t, problems.description),
        },
        any_problem: problems.any(),
        files_again,
        files_hint: fill(
            t.portal.files_hint,
            &[
                ("file_limit", &format_size(limits.max_file_bytes)),
                ("total_limit", &format_size(limits.max_upload_bytes)),
            ],
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    /// A closed ticket this one follows: its title and tag are prefilled.
    from: Option<String>,
}

async fn new_form<S: WebStore>(
    State(web): State<WebState<S>>,
    CustomerViewer(viewer): CustomerViewer,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let mut form = NewTicketForm {
        contact_name: viewer.user.name.clone().unwrap_or_default(),
        priority: Priority::Normal.as_str().to_string(),
        ..NewTicketForm::default()
    };
    // Only a ticket the reader may see lends its title; any other number is ignored.
    if let Some(number) = query.from.as_deref().and_then(|n| n.parse::<u64>().ok())
        && let Ok(previous) = visible_ticket(&web, &viewer.user, number).await
    {
        form.title = previous.subject.clone();
        form.category = previous.category.clone().unwrap_or_default();
        let tag = web.desk.tag_text(&previous.class, previous.number);
        form.description = format!("{}\n\n", fill(t.portal.continues_line, &[("tag", &tag)]));
    }
    let page = new_ticket_page(&web, &viewer, form, Problems::default(), false);
    Ok(page::render(&page))
}

async fn create<S: WebStore>(
    State(web): State<WebState<S>>,
    CsrfMultipart(viewer, upload): CsrfMultipart,
) -> Result<Response, WebError> {
    require_customer(&viewer)?;
    let text = |name: &str| upload.text(name).unwrap_or_default().to_string();
    let form = NewTicketForm {
        contact_name: text("contact_name"),
        contact_phone: text("contact_phone"),
        category: text("category"),
        priority: text("priority"),
        title: text("title"),
        description: text("description"),
    };
    let checked = match new_ticket::check(&form, &web.desk.config.routing.categories) {
        Ok(checked) => checked,
        Err(problems) => {
            let files_again = !upload.files.is_empty();
            let page = new_ticket_page(&web, &viewer, form, problems, files_again);
            return Ok(page::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ));
        }
    };
    let t = viewer.texts();
    let mut description = checked.description;
    if let Some(phone) = &checked.contact_phone {
        description = format!(
            "{description}\n\n{}",
            fill(t.portal.phone_line, &[("phone", phone)])
        );
    }
    let ticket = PortalTicket {
        contact_name: checked.contact_name,
        category: checked.category,
        priority: checked.priority,
        title: checked.title,
        description,
        files: submitted_files(&upload),
    };
    let opened = web
        .desk
        .open_portal_ticket(author(&viewer.user), &ticket)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(Redirect::to(&format!("{}?done=opened", ticket_href(opened.number))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Locale;
    use crate::web::texts::texts;

    #[test]
    fn list_cursors_read_back() {
        assert_eq!(
            parse_cursor("1764000000123.10042"),
            Some(TicketCursor {
                updated_at: 1_764_000_000_123,
                number: 10042
            })
        );
        assert_eq!(parse_cursor("x.1"), None);
        assert_eq!(parse_cursor("12"), None);
    }

    #[test]
    fn the_flash_names_the_ticket_as_the_tag_does() {
        let t = texts(Locale::It);
        let (flash, detail) = flash_of(&t, "opened", 10042);
        assert_eq!(flash.as_deref(), Some("Ticket #[10042] aperto"));
        assert!(detail.is_some());
        assert_eq!(flash_of(&t, "<script>", 1), (None, None));
    }

    fn chrome(t: Texts) -> Chrome {
        Chrome {
            t,
            title: "t".into(),
            viewer: None,
            csrf: "tok".into(),
            path: "/portal/tickets/10042".into(),
        }
    }

    fn page(t: Texts) -> TicketPage {
        TicketPage {
            chrome: chrome(t),
            number: 10042,
            tag: "#Standard# Ticket #[10042]".into(),
            subject: "Fattura <b>bloccata</b>".into(),
            status_id: "resolved",
            status_label: t.portal.badge_resolved,
            facts: vec![Fact {
                id: "fact-sector",
                label: t.portal.field_sector,
                value: "Mago".into(),
            }],
            resolved_line: Some("Risolto il 02/11/2026 10:00.".into()),
            resolution: Some("Rientrato <script>".into()),
            messages: vec![MessageItem {
                from_support: false,
                label: None,
                author: "Mario <mario@acme.it>".into(),
                date: "02/11/2026 10:00".into(),
                html: None,
                text: "Si blocca <img src=x onerror=alert(1)>".into(),
                images: vec![thread::FileItem {
                    href: "/attachments/7".into(),
                    name: "schermata.png".into(),
                    size: "2 KB".into(),
                }],
                files: vec![],
                omitted: vec![],
            }],
            can_reply: true,
            reply_reopens: true,
            reply_closed: None,
            can_resolve: false,
            reopen_until: Some("Puoi riaprire il ticket fino al 09/11/2026 10:00.".into()),
            files_hint: "hint".into(),
            new_ticket_href: "/portal/new?from=10042".into(),
            merged_text: None,
            merged_href: String::new(),
            feedback: Feedback::default(),
        }
    }

    #[test]
    fn the_ticket_page_has_its_forms_and_escapes_what_people_wrote() {
        let html = page(texts(Locale::It)).render().unwrap();
        for id in [
            "id=\"portal-ticket\"",
            "data-status=\"resolved\"",
            "id=\"ticket-status\"",
            "id=\"messages\"",
            "id=\"reply-form\"",
            "name=\"body\"",
            "name=\"files\"",
            "enctype=\"multipart/form-data\"",
            "id=\"reply-reopens\"",
            "id=\"reopen-form\"",
            "id=\"reopen-until\"",
            "name=\"_csrf\" value=\"tok\"",
            "<img src=\"/attachments/7\" alt=\"schermata.png\"",
            "Riapri il ticket",
            "Rispondi",
        ] {
            assert!(html.contains(id), "{id} missing:\n{html}");
        }
        assert!(
            !html.contains("id=\"resolve-form\""),
            "no resolve on a resolved ticket"
        );
        assert!(!html.contains("<b>bloccata"), "the subject is escaped");
        assert!(
            !html.contains("<script>") && !html.contains("<img src=x"),
            "{html}"
        );
    }

    #[test]
    fn refusals_and_the_flash_show_where_they_belong() {
        let t = texts(Locale::En);
        let mut refused = page(t);
        refused.can_reply = false;
        refused.reply_closed = Some("closed".into());
        refused.reopen_until = None;
        refused.feedback = Feedback {
            flash: Some("Ticket #[10042] opened".into()),
            reply_error: Some("no more replies".into()),
            reopen_error: Some("window closed".into()),
            ..Feedback::default()
        };
        let html = refused.render().unwrap();
        for needle in [
            "id=\"flash\"",
            "Ticket #[10042] opened",
            "id=\"reply-error\"",
            "id=\"reply-closed-text\"",
            "id=\"new-ticket-link\" href=\"/portal/new?from=10042\"",
            "id=\"reopen-error\"",
        ] {
            assert!(html.contains(needle), "{needle} missing:\n{html}");
        }
        assert!(!html.contains("id=\"reply-form\"") && !html.contains("id=\"reopen-form\""));
    }

    #[test]
    fn statuses_have_their_procedure_names_and_ids() {
        let t = texts(Locale::It);
        assert_eq!(
            status_label(&t, "waiting_on_support"),
            "In attesa del supporto"
        );
        assert_eq!(
            status_label(&t, "waiting_on_customer"),
            "In attesa del cliente"
        );
        assert_eq!(status_label(&t, "resolved"), "Risolti");
        assert_eq!(status_id(TicketStatus::Cancelled), "cancelled");
    }
}
