//! `GET /console`: one page of a queue.
//!
//! The query string is read by `queue_filter::parse`; a bad value is shown as a notice and that
//! filter left out (never a 500). A ticket number or tag in the search box goes straight to the
//! ticket. Three reads per page: the page itself (one indexed query), the tab counts (a small
//! counter table plus two partial-index counts) and the assignable staff.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Priority;

use super::{
    Opt, PAGE_SIZE, assignable, priority_label, sla_class, sla_label, status_class,
    status_text_label, ticket_href, time_of_ms, timezone,
};
use crate::queue_filter::{
    self, AssigneeFilter, Expected, FilterProblem, QueueFilter, Search, StatusFilter,
};
use crate::sla::{SlaFacts, SlaState, breach_at, sla_state};
use crate::store::TicketRecord;
use crate::store::console::{AssigneeScope, QueueQuery, SEARCH_CANDIDATES};
use crate::web::auth::StaffViewer;
use crate::web::error::WebError;
use crate::web::page::{self, Chrome};
use crate::web::texts::{Texts, fill};
use crate::web::{WebState, WebStore};

/// A queue in the sidebar.
pub struct Tab {
    /// Element id: `queue-all`, `queue-sector-<n>`, `queue-mine`, `queue-review`.
    pub id: String,
    pub href: String,
    pub label: String,
    /// Open tickets in it (for "to review": flagged ones).
    pub count: u64,
    pub current: bool,
}

/// A line of the queue table.
pub struct Row {
    pub number: u64,
    pub href: String,
    pub subject: String,
    pub requester: String,
    pub organisation: String,
    pub status_class: &'static str,
    pub status_label: &'static str,
    pub priority: &'static str,
    pub priority_label: &'static str,
    pub sector: String,
    pub assignee: String,
    pub sla_class: String,
    pub sla_label: &'static str,
    pub sla_due: String,
    pub updated: String,
    pub needs_review: bool,
}

/// `/console`.
#[derive(Template)]
#[template(path = "console/queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub tabs: Vec<Tab>,
    /// The sector being shown (a hidden field of the filter form).
    pub sector: String,
    pub statuses: Vec<Opt>,
    pub priorities: Vec<Opt>,
    pub slas: Vec<Opt>,
    pub assignees: Vec<Opt>,
    pub review_only: bool,
    pub search: String,
    pub notices: Vec<String>,
    pub search_capped: Option<String>,
    pub rows: Vec<Row>,
    pub page_count: String,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
}

/// The words of a filter problem.
fn problem_text(t: &Texts, problem: &FilterProblem) -> String {
    let c = t.console;
    let value = problem.value.chars().take(80).collect::<String>();
    match &problem.expected {
        Expected::OneOf(values) => fill(
            c.problem_one_of,
            &[
                ("parameter", problem.parameter),
                ("value", &value),
                ("values", &values.join(", ")),
            ],
        ),
        Expected::Assignee => fill(c.problem_assignee, &[("value", &value)]),
        Expected::Cursor => fill(c.problem_cursor, &[("value", &value)]),
        Expected::TooLong(max) => fill(c.problem_search_too_long, &[("max", &max.to_string())]),
        Expected::Words => c.problem_search_words.to_string(),
        Expected::Flag => fill(
            c.problem_flag,
            &[("parameter", problem.parameter), ("value", &value)],
        ),
    }
}

fn href(filter: &QueueFilter) -> String {
    let query = filter.to_query();
    if query.is_empty() {
        "/console".to_string()
    } else {
        format!("/console?{query}")
    }
}

/// The page.
pub async fn page<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let c = t.console;
    let sectors = &web.desk.config.routing.sectors;
    let (mut filter, problems) = queue_filter::parse(&pairs, sectors);
    let mut notices: Vec<String> = problems.iter().map(|p| problem_text(&t, p)).collect();
    if let Some(Search::Number(number)) = filter.search {
        if web.desk.store.ticket(number).await?.is_some() {
            return Ok(Redirect::to(&ticket_href(number)).into_response());
        }
        notices.push(fill(c.search_no_ticket, &[("number", &number.to_string())]));
        filter.search = None;
    }
    let viewer_email = viewer.user.email.to_lowercase();
    let assignee = filter.assignee.resolve(&viewer_email);
    let text = match &filter.search {
        Some(Search::Text { fts, .. }) => Some(fts.as_str()),
        _ => None,
    };
    let now = web.desk.now_ms();
    let query = QueueQuery {
        sector: filter.sector.as_deref(),
        status: filter.status,
        priority: filter.priority,
        sla: filter.sla,
        assignee: match &assignee {
            AssigneeFilter::Anyone | AssigneeFilter::Mine => AssigneeScope::Anyone,
            AssigneeFilter::Unassigned => AssigneeScope::Unassigned,
            AssigneeFilter::Person(address) => AssigneeScope::Person(address),
        },
        needs_review: filter.needs_review,
        text,
        after: filter.after,
        now_ms: now,
        limit: PAGE_SIZE,
    };
    let store = &web.desk.store;
    let result = store.queue(&query).await?;
    let counts = store.console_counts(&viewer_email).await?;
    let staff = assignable(&web).await?;
    let tz = timezone(&web);

    // Sidebar: every sector, each sector, mine, to review.
    let open_in = |sector: Option<&str>| -> u64 {
        counts
            .per_queue
            .iter()
            .filter(|q| sector.is_none_or(|s| q.sector == s))
            .filter(|q| {
                q.status
                    .parse::<TicketStatus>()
                    .is_ok_and(TicketStatus::is_open)
            })
            .map(|q| q.tickets)
            .sum()
    };
    let plain = filter == QueueFilter::default();
    let mut tabs = vec![Tab {
        id: "queue-all".into(),
        href: href(&filter.in_sector(None)),
        label: c.all_sectors.into(),
        count: open_in(None),
        current: filter.sector.is_none() && !filter.needs_review && !is_mine(&filter),
    }];
    for (index, sector) in sectors.iter().enumerate() {
        tabs.push(Tab {
            id: format!("queue-sector-{}", index + 1),
            href: href(&filter.in_sector(Some(sector))),
            label: sector.clone(),
            count: open_in(Some(sector)),
            current: filter.sector.as_deref() == Some(sector.as_str()),
        });
    }
    let mine = QueueFilter {
        assignee: AssigneeFilter::Mine,
        ..QueueFilter::default()
    };
    let review = QueueFilter {
        status: StatusFilter::All,
        needs_review: true,
        ..QueueFilter::default()
    };
    tabs.push(Tab {
        id: "queue-mine".into(),
        href: href(&mine),
        label: c.queue_mine.into(),
        count: counts.mine_open,
        current: !plain && filter == mine,
    });
    tabs.push(Tab {
        id: "queue-review".into(),
        href: href(&review),
        label: c.queue_review.into(),
        count: counts.needs_review,
        current: !plain && filter == review,
    });

    let current_status = filter.status.as_str();
    let statuses = StatusFilter::CHOICES
        .into_iter()
        .map(|s| {
            let label = match s {
                StatusFilter::Open => c.status_open,
                StatusFilter::All => c.status_all,
                StatusFilter::Only(status) => super::status_label(&t, status),
            };
            Opt::new(s.as_str(), label, current_status)
        })
        .collect();
    let current_priority = filter.priority.map_or("", Priority::as_str);
    let priorities = std::iter::once(Opt::new("", c.filter_any, current_priority))
        .chain(
            Priority::ALL
                .into_iter()
                .rev()
                .map(|p| Opt::new(p.as_str(), priority_label(&t, p), current_priority)),
        )
        .collect();
    let current_sla = filter.sla.map_or("", SlaState::as_str);
    let slas = std::iter::once(Opt::new("", c.filter_any, current_sla))
        .chain(
            SlaState::ALL
                .into_iter()
                .map(|s| Opt::new(s.as_str(), sla_label(&t, s), current_sla)),
        )
        .collect();
    let current_assignee = filter.assignee.as_str().to_string();
    let mut assignees = vec![
        Opt::new("", c.filter_any, &current_assignee),
        Opt::new("mine", c.assignee_mine, &current_assignee),
        Opt::new("unassigned", c.assignee_unassigned, &current_assignee),
    ];
    for (email, name) in &staff {
        let label = match name {
            Some(name) => format!("{name} <{email}>"),
            None => email.clone(),
        };
        assignees.push(Opt::new(email.clone(), label, &current_assignee));
    }

    let rows: Vec<Row> = result
        .tickets
        .iter()
        .map(|ticket| row(&t, tz, now, ticket))
        .collect();
    let page = QueuePage {
        chrome: viewer.chrome(c.title, "/console"),
        tabs,
        sector: filter.sector.clone().unwrap_or_default(),
        statuses,
        priorities,
        slas,
        assignees,
        review_only: filter.needs_review,
        search: filter
            .search
            .as_ref()
            .map(Search::typed)
            .unwrap_or_default(),
        notices,
        search_capped: result
            .search_capped
            .then(|| fill(c.search_capped, &[("n", &SEARCH_CANDIDATES.to_string())])),
        page_count: fill(c.page_count, &[("n", &rows.len().to_string())]),
        rows,
        next_href: result.next.map(|cursor| href(&filter.continuing(cursor))),
        first_href: filter.after.map(|_| href(&filter.first_page())),
    };
    Ok(page::render(&page))
}

fn is_mine(filter: &QueueFilter) -> bool {
    filter.assignee == AssigneeFilter::Mine
}

fn row(t: &Texts, tz: chrono_tz::Tz, now: i64, ticket: &TicketRecord) -> Row {
    let c = t.console;
    let facts = SlaFacts::of(ticket);
    let state = sla_state(now, &facts);
    let priority: Priority = ticket.priority.parse().unwrap_or(Priority::Normal);
    let due = match state {
        SlaState::OnTrack | SlaState::AtRisk | SlaState::Breached => breach_at(&facts)
            .map(|at| fill(c.due_at, &[("date", &time_of_ms(t, tz, at))]))
            .unwrap_or_default(),
        SlaState::Met | SlaState::NotApplicable => String::new(),
    };
    Row {
        number: ticket.number,
        href: ticket_href(ticket.number),
        subject: ticket.subject.clone(),
        requester: match &ticket.requester_name {
            Some(name) => format!("{name} <{}>", ticket.requester_email),
            None => ticket.requester_email.clone(),
        },
        organisation: ticket.organisation.clone().unwrap_or_default(),
        status_class: status_class(&ticket.status),
        status_label: status_text_label(t, &ticket.status),
        priority: priority.as_str(),
        priority_label: priority_label(t, priority),
        sector: ticket.sector.clone(),
        assignee: ticket
            .assignee
            .clone()
            .unwrap_or_else(|| c.nobody.to_string()),
        sla_class: sla_class(state),
        sla_label: sla_label(t, state),
        sla_due: due,
        updated: time_of_ms(t, tz, ticket.updated_at),
        needs_review: ticket.needs_review,
    }
}
