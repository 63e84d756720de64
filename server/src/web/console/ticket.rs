//! `/console/tickets/{n}`: a ticket as technicians work it, and the forms that change it.
//!
//! Every form posts to its own route and comes back here: a redirect with `?done=…` when the
//! desk did it, or this page again (422) with the refusal next to the form, what was typed kept.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Tz;
use ppdesk_shared::status::{StatusError, TicketStatus};
use ppdesk_shared::ticket::Priority;
use serde::Deserialize;

use super::{
    Fact, Opt, assignable, channel_label, parse_number, priority_label, sla_class, sla_label,
    status_class, status_label, status_text_label, technician, ticket_href, timezone,
};
use crate::api::submission::{FormPart, attachment_file};
use crate::config::size::format_size;
use crate::console_actions::{ConsoleError, ReplyFile, ReviewChoice, ThreadEvent};
use crate::merge::MergeRefusal;
use crate::operator::OperatorError;
use crate::queue_filter::{Search, parse_search};
use crate::store::console::{INTERNAL, KIND_EVENT, KIND_NOTE};
use crate::triage::{TriageError, TriageRequest};
use crate::views::{MessageView, TicketView};
use crate::web::auth::{StaffViewer, Viewer};
use crate::web::error::WebError;
use crate::web::forms::{CsrfForm, CsrfMultipart, bare_filename};
use crate::web::page::{self, Chrome};
use crate::web::portal::thread::{FileItem, approx_size, is_inline_image, local_time_of};
use crate::web::texts::{Texts, fill};
use crate::web::{WebState, WebStore};

/// The file input of the reply form.
pub const FILES_FIELD: &str = "files";

/// What the last move said, and what was typed in a form that came back.
#[derive(Default)]
pub struct Feedback {
    pub flash: Option<String>,
    pub flash_detail: Option<String>,
    pub reply_error: Option<String>,
    pub note_error: Option<String>,
    pub triage_error: Option<String>,
    pub merge_error: Option<String>,
    pub review_error: Option<String>,
    pub reply_body: String,
    pub note_body: String,
    pub resolution: String,
    pub merge_target: String,
    /// The merge crosses organisations: the confirmation box is pointed out.
    pub merge_needs_confirmation: bool,
}

/// One line of the thread.
pub struct ThreadItem {
    /// `message-<position>`.
    pub id: String,
    /// `message-inbound`, `message-outbound`, `message-note`, `message-event`.
    pub class: &'static str,
    pub badge: Option<&'static str>,
    pub author: String,
    pub date: String,
    /// Recipients of an outbound mail.
    pub to_line: Option<String>,
    /// Sanitised HTML (`mail::html::for_page`): safe to insert.
    pub html: Option<String>,
    pub text: String,
    pub images: Vec<FileItem>,
    pub files: Vec<FileItem>,
    pub omitted: Vec<String>,
}

/// The "tag from a stranger" box.
pub struct ReviewBox {
    pub intro: String,
    pub reason: Option<String>,
    pub append_label: String,
}

/// `/console/tickets/{n}`.
#[derive(Template)]
#[template(path = "console/ticket.html")]
pub struct TicketPage {
    pub chrome: Chrome,
    pub number: u64,
    pub tag: String,
    pub subject: String,
    pub status_class: &'static str,
    pub status_label: &'static str,
    pub merged_banner: Option<String>,
    pub merged_into_href: Option<String>,
    pub feedback: Feedback,
    pub facts: Vec<Fact>,
    pub participants: Vec<String>,
    pub merged_from: Vec<(u64, String)>,
    pub linked: Option<(u64, String)>,
    pub resolution: Option<String>,
    pub machine: Vec<Fact>,
    pub machine_outside: Option<String>,
    pub sla: Vec<Fact>,
    pub sla_badge: Option<(String, &'static str)>,
    pub messages: Vec<ThreadItem>,
    pub statuses: Vec<Opt>,
    pub sectors: Vec<Opt>,
    pub priorities: Vec<Opt>,
    pub assignees: Vec<Opt>,
    pub can_merge: bool,
    pub review: Option<ReviewBox>,
    pub files_hint: String,
}

#[derive(Debug, Deserialize)]
pub struct TicketQuery {
    done: Option<String>,
    /// The merged duplicate, after `done=merged`.
    from: Option<u64>,
}

/// The page.
pub async fn page<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
    Path(number): Path<String>,
    Query(query): Query<TicketQuery>,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    let mut feedback = Feedback::default();
    if let Some(done) = query.done.as_deref() {
        (feedback.flash, feedback.flash_detail) =
            flash_of(&web, &viewer.texts(), done, number, query.from).await?;
    }
    show(&web, &viewer, number, feedback, StatusCode::OK).await
}

async fn flash_of<S: WebStore>(
    web: &WebState<S>,
    t: &Texts,
    done: &str,
    number: u64,
    from: Option<u64>,
) -> Result<(Option<String>, Option<String>), WebError> {
    let c = t.console;
    Ok(match done {
        "replied" => (Some(c.done_replied.into()), None),
        "noted" => (Some(c.done_noted.into()), None),
        "triaged" => (Some(c.done_triaged.into()), None),
        "unchanged" => (Some(c.done_unchanged.into()), None),
        "kept" => (Some(c.done_kept.into()), None),
        "merged" => {
            let Some(source) = from else {
                return Ok((None, None));
            };
            let email = match web.desk.store.ticket(source).await? {
                Some(ticket) => ticket.requester_email,
                None => return Ok((None, None)),
            };
            let text = fill(
                c.done_merged,
                &[
                    ("source", &source.to_string()),
                    ("target", &number.to_string()),
                    ("email", &email),
                ],
            );
            (Some(text), None)
        }
        "registered" => match web.desk.ticket_view(number).await? {
            Some(view) => {
                let acknowledged = view
                    .outbox
                    .iter()
                    .any(|o| o.kind == "acknowledgement" && o.recipient == view.requester.email);
                (
                    Some(fill(c.done_registered, &[("tag", &view.tag)])),
                    acknowledged
                        .then(|| fill(c.done_acknowledged, &[("email", &view.requester.email)])),
                )
            }
            None => (None, None),
        },
        _ => (None, None),
    })
}

/// The ticket page with `feedback`.
async fn show<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    number: u64,
    feedback: Feedback,
    status: StatusCode,
) -> Result<Response, WebError> {
    let view = web
        .desk
        .ticket_view(number)
        .await?
        .ok_or(WebError::NotFound)?;
    let facts = web
        .desk
        .store
        .console_facts(number)
        .await?
        .unwrap_or_default();
    let staff = assignable(web).await?;
    let t = viewer.texts();
    let c = t.console;
    let tz = timezone(web);
    let ticket_status: TicketStatus = view
        .status
        .parse()
        .unwrap_or(TicketStatus::WaitingOnSupport);
    let priority: Priority = view.priority.parse().unwrap_or(Priority::Normal);

    let mut fact_list = vec![
        Fact {
            id: "fact-status",
            label: c.fact_status,
            value: status_label(&t, ticket_status).into(),
        },
        Fact {
            id: "fact-sector",
            label: c.fact_sector,
            value: view.sector.clone(),
        },
        Fact {
            id: "fact-priority",
            label: c.fact_priority,
            value: priority_label(&t, priority).into(),
        },
        Fact {
            id: "fact-assignee",
            label: c.fact_assignee,
            value: view.assignee.clone().unwrap_or_else(|| c.nobody.into()),
        },
        Fact {
            id: "fact-category",
            label: c.fact_category,
            value: view.category.clone().unwrap_or_else(|| c.none.into()),
        },
        Fact {
            id: "fact-channel",
            label: c.fact_channel,
            value: channel_label(&t, &view.channel),
        },
        Fact {
            id: "fact-requester",
            label: c.fact_requester,
            value: match &view.requester.name {
                Some(name) => format!("{name} <{}>", view.requester.email),
                None => view.requester.email.clone(),
            },
        },
        Fact {
            id: "fact-organisation",
            label: c.fact_organisation,
            value: view.organisation.clone().unwrap_or_else(|| c.none.into()),
        },
    ];
    if let Some(phone) = &facts.contact_phone {
        fact_list.push(Fact {
            id: "fact-phone",
            label: c.fact_phone,
            value: phone.clone(),
        });
    }
    fact_list.push(Fact {
        id: "fact-opened",
        label: c.fact_opened,
        value: local_time_of(t.locale, tz, &view.created_at),
    });
    fact_list.push(Fact {
        id: "fact-updated",
        label: c.fact_updated,
        value: local_time_of(t.locale, tz, &view.updated_at),
    });

    let (machine, machine_outside) = match &view.submission {
        Some(submission) => {
            let mut list = Vec::new();
            if let Some(m) = &submission.machine {
                list.push(Fact {
                    id: "machine-host",
                    label: c.machine_host,
                    value: m.hostname.clone(),
                });
                list.push(Fact {
                    id: "machine-os",
                    label: c.machine_os,
                    value: m.os.clone(),
                });
                list.push(Fact {
                    id: "machine-user",
                    label: c.machine_user,
                    value: m.user.clone(),
                });
                list.push(Fact {
                    id: "machine-agent",
                    label: c.machine_agent,
                    value: m.agent_version.clone(),
                });
                if !m.screens.is_empty() {
                    list.push(Fact {
                        id: "machine-screens",
                        label: c.machine_screens,
                        value: m.screens.join(", "),
                    });
                }
                if let Some(window) = &m.active_window {
                    list.push(Fact {
                        id: "machine-window",
                        label: c.machine_window,
                        value: window.clone(),
                    });
                }
            }
            let outside = submission.contact_outside_organisation.then(|| {
                fill(
                    c.machine_outside,
                    &[("organisation", &submission.organisation)],
                )
            });
            (list, outside)
        }
        None => (Vec::new(), None),
    };

    let (sla, sla_badge) = match &view.sla {
        Some(s) => {
            let mut list = vec![
                Fact {
                    id: "sla-response-due",
                    label: c.sla_response_due,
                    value: local_time_of(t.locale, tz, &s.response_due_at),
                },
                Fact {
                    id: "sla-resolution-due",
                    label: c.sla_resolution_due,
                    value: local_time_of(t.locale, tz, &s.resolution_due_at),
                },
            ];
            list.push(Fact {
                id: "sla-first-response",
                label: c.sla_first_response,
                value: s
                    .first_response_at
                    .as_deref()
                    .map(|at| local_time_of(t.locale, tz, at))
                    .unwrap_or_else(|| c.sla_not_answered.into()),
            });
            (list, Some((sla_class(s.state), sla_label(&t, s.state))))
        }
        None => (Vec::new(), None),
    };

    let messages = thread(&view, &t, tz, &web.desk.config.helpdesk.name);
    let current_status = ticket_status.as_str();
    let statuses = TicketStatus::ALL
        .into_iter()
        .map(|s| Opt::new(s.as_str(), status_label(&t, s), current_status))
        .collect();
    let sectors = web
        .desk
        .config
        .routing
        .sectors
        .iter()
        .map(|s| Opt::new(s.clone(), s.clone(), &view.sector))
        .collect();
    let priorities = Priority::ALL
        .into_iter()
        .map(|p| Opt::new(p.as_str(), priority_label(&t, p), priority.as_str()))
        .collect();
    let current_assignee = view.assignee.clone().unwrap_or_default();
    let mut assignees = vec![Opt::new("", c.nobody, &current_assignee)];
    for (email, name) in &staff {
        let label = match name {
            Some(name) => format!("{name} <{email}>"),
            None => email.clone(),
        };
        assignees.push(Opt::new(email.clone(), label, &current_assignee));
    }
    // An assignee who is no longer staff stays visible (and selected) until changed.
    if !current_assignee.is_empty() && !staff.iter().any(|(e, _)| *e == current_assignee) {
        assignees.push(Opt::new(
            current_assignee.clone(),
            current_assignee.clone(),
            &current_assignee,
        ));
    }

    let review = match (view.needs_review, view.linked_ticket) {
        (true, Some(linked)) => Some(ReviewBox {
            intro: fill(c.review_intro, &[("ticket", &linked.to_string())]),
            reason: view.review_reason.clone(),
            append_label: fill(c.review_append, &[("ticket", &linked.to_string())]),
        }),
        _ => None,
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
        status_class: status_class(&view.status),
        status_label: status_text_label(&t, &view.status),
        merged_banner: facts
            .merged_into
            .map(|into| fill(c.merged_banner, &[("ticket", &into.to_string())])),
        merged_into_href: facts.merged_into.map(ticket_href),
        feedback,
        facts: fact_list,
        participants: view.participants.clone(),
        merged_from: facts
            .merged_from
            .iter()
            .map(|n| (*n, ticket_href(*n)))
            .collect(),
        linked: view.linked_ticket.map(|n| (n, ticket_href(n))),
        resolution: (ticket_status == TicketStatus::Resolved)
            .then(|| view.resolution.clone())
            .flatten(),
        machine,
        machine_outside,
        sla,
        sla_badge,
        messages,
        statuses,
        sectors,
        priorities,
        assignees,
        can_merge: ticket_status.is_open() && facts.merged_into.is_none(),
        review,
        files_hint: fill(
            c.files_hint,
            &[
                ("file_limit", &format_size(limits.max_file_bytes)),
                ("total_limit", &format_size(limits.max_upload_bytes)),
            ],
        ),
    };
    Ok(page::render_with_status(status, &page))
}

/// The whole thread as technicians see it: customer mail, our mail, notes and change lines.
pub fn thread(view: &TicketView, t: &Texts, tz: Tz, helpdesk_name: &str) -> Vec<ThreadItem> {
    view.messages
        .iter()
        .enumerate()
        .map(|(index, m)| thread_item(index + 1, m, t, tz, helpdesk_name))
        .collect()
}

fn thread_item(position: usize, m: &MessageView, t: &Texts, tz: Tz, helpdesk: &str) -> ThreadItem {
    let c = t.console;
    let person = || match &m.from_name {
        Some(name) if !name.trim().is_empty() => format!("{name} <{}>", m.from),
        _ => m.from.clone(),
    };
    let (class, badge, author, text) = match (m.direction.as_str(), m.kind.as_str()) {
        (INTERNAL, KIND_NOTE) => (
            "message-note",
            Some(c.note_badge),
            person(),
            m.text_body.clone(),
        ),
        (INTERNAL, KIND_EVENT) => (
            "message-event",
            Some(c.event_badge),
            person(),
            ThreadEvent::parse(&m.text_body)
                .map(|e| event_text(t, &e))
                .unwrap_or_else(|| m.text_body.clone()),
        ),
        (INTERNAL, _) => (
            "message-note",
            Some(c.note_badge),
            person(),
            m.text_body.clone(),
        ),
        ("outbound", kind) => (
            "message-outbound",
            Some(match kind {
                "reply" => c.kind_reply,
                "acknowledgement" => c.kind_acknowledgement,
                _ => c.kind_notification,
            }),
            helpdesk.to_string(),
            m.text_body.clone(),
        ),
        (_, kind) => (
            "message-inbound",
            match kind {
                "technician" => Some(c.kind_technician),
                "auto_reply" => Some(c.kind_auto_reply),
                "bounce" => Some(c.kind_bounce),
                _ => None,
            },
            person(),
            m.text_body.clone(),
        ),
    };
    let mut item = ThreadItem {
        id: format!("message-{position}"),
        class,
        badge,
        author,
        date: local_time_of(t.locale, tz, &m.created_at),
        to_line: (m.direction == "outbound" && !m.to.is_empty())
            .then(|| fill(c.sent_to, &[("to", &m.to.join(", "))])),
        html: if m.direction == INTERNAL {
            None
        } else {
            m.html_body.clone()
        },
        text,
        images: Vec::new(),
        files: Vec::new(),
        omitted: Vec::new(),
    };
    for a in &m.attachments {
        if a.omitted {
            item.omitted
                .push(fill(c.attachment_omitted, &[("file", &a.filename)]));
            continue;
        }
        let file = FileItem {
            href: crate::mail::html::attachment_path(a.id),
            name: a.filename.clone(),
            size: approx_size(a.size),
        };
        let shown_in_html = item
            .html
            .as_deref()
            .is_some_and(|html| html.contains(&format!("src=\"{}\"", file.href)));
        if shown_in_html {
            continue;
        }
        if is_inline_image(&a.content_type) {
            item.images.push(file);
        } else {
            item.files.push(file);
        }
    }
    item
}

/// A change line in the reader's language.
pub fn event_text(t: &Texts, event: &ThreadEvent) -> String {
    let c = t.console;
    let nobody = |who: &Option<String>| who.clone().unwrap_or_else(|| c.nobody.to_string());
    match event {
        ThreadEvent::Status { from, to, reason } => {
            let mut text = fill(
                c.event_status,
                &[
                    ("from", status_label(t, *from)),
                    ("to", status_label(t, *to)),
                ],
            );
            if let Some(reason) = reason {
                text.push_str(" — ");
                text.push_str(&fill(c.event_reason, &[("reason", reason)]));
            }
            text
        }
        ThreadEvent::Sector { from, to } => fill(c.event_sector, &[("from", from), ("to", to)]),
        ThreadEvent::Priority { from, to } => fill(
            c.event_priority,
            &[
                ("from", priority_label(t, *from)),
                ("to", priority_label(t, *to)),
            ],
        ),
        ThreadEvent::Assignee { from, to } => fill(
            c.event_assignee,
            &[("from", &nobody(from)), ("to", &nobody(to))],
        ),
        ThreadEvent::MergedInto { ticket } => {
            fill(c.event_merged_into, &[("ticket", &ticket.to_string())])
        }
        ThreadEvent::MergedFrom { ticket, messages } => fill(
            c.event_merged_from,
            &[
                ("ticket", &ticket.to_string()),
                ("messages", &messages.to_string()),
            ],
        ),
        ThreadEvent::ReviewKeptSeparate => c.event_review_kept.to_string(),
        ThreadEvent::Registered { channel } if channel == "fax" => {
            c.event_registered_fax.to_string()
        }
        ThreadEvent::Registered { .. } => c.event_registered_phone.to_string(),
    }
}

/// Where on the page a refusal is shown.
#[derive(Clone, Copy)]
enum Spot {
    Reply,
    Note,
    Triage,
    Merge,
    Review,
}

/// The words of a refusal; Err for failures that are not the reader's (404, 500).
fn refusal_text(t: &Texts, number: u64, error: &ConsoleError) -> Result<String, WebError> {
    let c = t.console;
    Ok(match error {
        ConsoleError::NoSuchTicket(n) if *n == number => return Err(WebError::NotFound),
        ConsoleError::NoSuchTicket(n) => fill(c.err_no_such_ticket, &[("number", &n.to_string())]),
        ConsoleError::EmptyNote => c.err_empty_note.into(),
        ConsoleError::TooLong => c.err_too_long.into(),
        ConsoleError::NotFlagged(_) => c.err_not_flagged.into(),
        ConsoleError::NothingToAppendTo(_) => c.err_nothing_to_append.into(),
        ConsoleError::Triage(e) => triage_text(t, e),
        ConsoleError::Merge(e) => merge_text(t, e),
        ConsoleError::Operator(OperatorError::EmptyReply) => c.err_empty_reply.into(),
        ConsoleError::Operator(OperatorError::NoSuchTicket(_)) => return Err(WebError::NotFound),
        ConsoleError::Operator(OperatorError::Status { source, .. }) => {
            status_error_text(t, source)
        }
        ConsoleError::Operator(e) => return Err(WebError::Internal(e.to_string())),
        ConsoleError::Store(e) => return Err(WebError::Internal(e.to_string())),
        ConsoleError::Blob(e) => return Err(WebError::Internal(e.to_string())),
        ConsoleError::Render(e) => return Err(WebError::Internal(e.to_string())),
    })
}

fn status_error_text(t: &Texts, error: &StatusError) -> String {
    match error {
        StatusError::NotAllowed { status, .. } => fill(
            t.console.err_not_allowed,
            &[("status", status_label(t, *status))],
        ),
        other => other.to_string(),
    }
}

fn triage_text(t: &Texts, error: &TriageError) -> String {
    let c = t.console;
    match error {
        TriageError::UnknownSector { given, configured } => fill(
            c.err_unknown_sector,
            &[("given", given), ("sectors", &configured.join(", "))],
        ),
        TriageError::NotATechnician { given } => fill(c.err_not_technician, &[("given", given)]),
        TriageError::Unreachable { from, to } => fill(
            c.err_unreachable,
            &[
                ("from", status_label(t, *from)),
                ("to", status_label(t, *to)),
            ],
        ),
        TriageError::Status(e) => status_error_text(t, e),
    }
}

fn merge_text(t: &Texts, error: &MergeRefusal) -> String {
    let c = t.console;
    let n = |n: &u64| n.to_string();
    match error {
        MergeRefusal::SameTicket => c.err_same_ticket.into(),
        MergeRefusal::SourceMerged {
            source_ticket,
            into,
        } => fill(
            c.err_source_merged,
            &[("source", &n(source_ticket)), ("into", &n(into))],
        ),
        MergeRefusal::TargetMerged { target, into } => fill(
            c.err_target_merged,
            &[("target", &n(target)), ("into", &n(into))],
        ),
        MergeRefusal::TargetCancelled { target } => {
            fill(c.err_target_cancelled, &[("target", &n(target))])
        }
        MergeRefusal::SourceClosed { status, .. } => {
            fill(c.err_source_closed, &[("status", status_label(t, *status))])
        }
        MergeRefusal::CrossOrganisation {
            source_ticket,
            target,
            source_organisation,
            target_organisation,
        } => fill(
            c.err_cross_organisation,
            &[
                ("source", &n(source_ticket)),
                ("target", &n(target)),
                (
                    "source_org",
                    source_organisation.as_deref().unwrap_or(c.no_organisation),
                ),
                (
                    "target_org",
                    target_organisation.as_deref().unwrap_or(c.no_organisation),
                ),
            ],
        ),
    }
}

/// The page again with the refusal at `spot` (422).
async fn refused<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    number: u64,
    error: ConsoleError,
    spot: Spot,
    mut feedback: Feedback,
) -> Result<Response, WebError> {
    let text = refusal_text(&viewer.texts(), number, &error)?;
    tracing::info!(ticket = number, reason = %error, "console move refused");
    if matches!(
        error,
        ConsoleError::Merge(MergeRefusal::CrossOrganisation { .. })
    ) {
        feedback.merge_needs_confirmation = true;
    }
    let slot = match spot {
        Spot::Reply => &mut feedback.reply_error,
        Spot::Note => &mut feedback.note_error,
        Spot::Triage => &mut feedback.triage_error,
        Spot::Merge => &mut feedback.merge_error,
        Spot::Review => &mut feedback.review_error,
    };
    *slot = Some(text);
    show(
        web,
        viewer,
        number,
        feedback,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn done(number: u64, what: &str) -> Response {
    Redirect::to(&format!("{}?done={what}", ticket_href(number))).into_response()
}

/// `POST …/reply`: mailed to the requester with the tag (and the files), waits on the customer.
pub async fn reply<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    Path(number): Path<String>,
    CsrfMultipart(viewer, upload): CsrfMultipart,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    let body = upload.text("body").unwrap_or_default().to_string();
    // Named and typed as every upload is (a safe file name, a well-formed media type).
    let files: Vec<ReplyFile> = upload
        .files
        .into_iter()
        .filter(|f| f.field == FILES_FIELD)
        .enumerate()
        .map(|(index, f)| {
            let file = attachment_file(
                index,
                FormPart {
                    name: f.field,
                    file_name: Some(bare_filename(&f.filename)),
                    content_type: Some(f.content_type),
                    bytes: f.bytes,
                },
            );
            ReplyFile {
                filename: file.filename,
                content_type: file.content_type,
                bytes: file.bytes,
            }
        })
        .collect();
    match web.desk.reply_with_files(number, &body, &files).await {
        Ok(_) => Ok(done(number, "replied")),
        Err(error) => {
            let feedback = Feedback {
                reply_body: body,
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, Spot::Reply, feedback).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

/// `POST …/note`: an internal note.
pub async fn note<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    Path(number): Path<String>,
    CsrfForm(viewer, form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    match web
        .desk
        .add_note(number, &technician(&viewer), &form.body)
        .await
    {
        Ok(()) => Ok(done(number, "noted")),
        Err(error) => {
            let feedback = Feedback {
                note_body: form.body,
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, Spot::Note, feedback).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TriageForm {
    status: Option<String>,
    sector: Option<String>,
    priority: Option<String>,
    /// Empty: nobody.
    assignee: Option<String>,
    #[serde(default)]
    resolution: String,
}

/// `POST …/triage`: status, sector, priority, assignee.
pub async fn triage<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    Path(number): Path<String>,
    CsrfForm(viewer, form): CsrfForm<TriageForm>,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    let t = viewer.texts();
    let keep = |error: String| Feedback {
        triage_error: Some(error),
        resolution: form.resolution.clone(),
        ..Feedback::default()
    };
    let status = match form
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match text.parse::<TicketStatus>() {
            Ok(status) => Some(status),
            Err(_) => {
                let feedback = keep(t.console.err_bad_status.into());
                return show(
                    &web,
                    &viewer,
                    number,
                    feedback,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let priority = match form
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(text) => match text.parse::<Priority>() {
            Ok(priority) => Some(priority),
            Err(_) => {
                let feedback = keep(t.console.err_bad_priority.into());
                return show(
                    &web,
                    &viewer,
                    number,
                    feedback,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let request = TriageRequest {
        status,
        resolution: Some(form.resolution.clone()),
        sector: form.sector.clone().filter(|s| !s.trim().is_empty()),
        priority,
        assignee: form
            .assignee
            .clone()
            .map(|a| Some(a).filter(|a| !a.trim().is_empty())),
    };
    let technicians: Vec<String> = assignable(&web)
        .await?
        .into_iter()
        .map(|(email, _)| email)
        .collect();
    match web
        .desk
        .triage(number, &technician(&viewer), &request, &technicians)
        .await
    {
        Ok(plan) if plan.is_empty() => Ok(done(number, "unchanged")),
        Ok(_) => Ok(done(number, "triaged")),
        Err(error) => {
            let feedback = Feedback {
                resolution: form.resolution,
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, Spot::Triage, feedback).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    target: String,
    /// The "merge across organisations anyway" box.
    confirm: Option<String>,
}

/// `POST …/merge`: this ticket (a duplicate) into `target`.
pub async fn merge<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    Path(number): Path<String>,
    CsrfForm(viewer, form): CsrfForm<MergeForm>,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    let Ok(Some(Search::Number(target))) = parse_search(&form.target) else {
        let feedback = Feedback {
            merge_error: Some(viewer.texts().console.err_target_number.into()),
            merge_target: form.target,
            ..Feedback::default()
        };
        return show(
            &web,
            &viewer,
            number,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let confirmed = form.confirm.as_deref().is_some_and(|v| !v.is_empty());
    match web
        .desk
        .merge(number, target, &technician(&viewer), confirmed)
        .await
    {
        Ok(merged) => Ok(Redirect::to(&format!(
            "{}?done=merged&from={}",
            ticket_href(merged.target),
            merged.source
        ))
        .into_response()),
        Err(error) => {
            let feedback = Feedback {
                merge_target: form.target,
                ..Feedback::default()
            };
            refused(&web, &viewer, number, error, Spot::Merge, feedback).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    choice: String,
}

/// `POST …/review`: "it's fine, append" or "keep separate".
pub async fn review<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    Path(number): Path<String>,
    CsrfForm(viewer, form): CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    let number = parse_number(&number).ok_or(WebError::NotFound)?;
    let choice = match form.choice.as_str() {
        "append" => ReviewChoice::Append,
        "keep" => ReviewChoice::KeepSeparate,
        other => {
            let detail = format!("choice={other:?}: append | keep");
            return Err(WebError::BadRequest(fill(
                viewer.texts().common.bad_form,
                &[("detail", &detail)],
            )));
        }
    };
    match web.desk.review(number, &technician(&viewer), choice).await {
        Ok(Some(merged)) => Ok(Redirect::to(&format!(
            "{}?done=merged&from={}",
            ticket_href(merged.target),
            merged.source
        ))
        .into_response()),
        Ok(None) => Ok(done(number, "kept")),
        Err(error) => {
            refused(
                &web,
                &viewer,
                number,
                error,
                Spot::Review,
                Feedback::default(),
            )
            .await
        }
    }
}
