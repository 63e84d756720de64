//! `/console/phone`: a ticket registered on a caller's behalf from a phone call or a fax.
//! The form is checked by `ingest::phone::validate` (every problem next to its field); the
//! ticket opens as a mailed one does, and the page goes to it with "Ticket … registered".

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ppdesk_shared::ticket::Priority;

use super::{Opt, priority_label, ticket_href};
use crate::ingest::phone::{PhoneError, PhoneForm, PhoneProblem, ProblemKind, validate};
use crate::web::auth::{StaffViewer, Viewer};
use crate::web::error::WebError;
use crate::web::forms::CsrfForm;
use crate::web::page::{self, Chrome};
use crate::web::texts::{Texts, fill};
use crate::web::{WebState, WebStore};

/// The problems of the form, worded, one per field.
#[derive(Default)]
pub struct FieldProblems {
    pub caller_email: Option<String>,
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
    pub organisation: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

/// `/console/phone`.
#[derive(Template)]
#[template(path = "console/phone.html")]
pub struct PhonePage {
    pub chrome: Chrome,
    pub form: PhoneForm,
    pub organisations: Vec<Opt>,
    pub channels: Vec<Opt>,
    pub categories: Vec<Opt>,
    pub priorities: Vec<Opt>,
    pub problems: FieldProblems,
    pub any_problem: bool,
}

fn problem_text(t: &Texts, kind: &ProblemKind) -> String {
    let c = t.console;
    match kind {
        ProblemKind::Missing => c.problem_required.into(),
        ProblemKind::NotAnEmail => c.problem_email.into(),
        ProblemKind::TooLong(max) => fill(c.problem_too_long, &[("max", &max.to_string())]),
        ProblemKind::NotPhoneOrFax => c.problem_channel.into(),
        ProblemKind::NotAPriority => c.problem_priority.into(),
        ProblemKind::UnknownOrganisation => c.problem_organisation.into(),
    }
}

fn worded(t: &Texts, problems: &[PhoneProblem]) -> FieldProblems {
    let mut out = FieldProblems::default();
    for problem in problems {
        let text = Some(problem_text(t, &problem.kind));
        match problem.field {
            "caller_email" => out.caller_email = text,
            "caller_name" => out.caller_name = text,
            "caller_phone" => out.caller_phone = text,
            "organisation" => out.organisation = text,
            "channel" => out.channel = text,
            "category" => out.category = text,
            "priority" => out.priority = text,
            "subject" => out.subject = text,
            _ => out.description = text,
        }
    }
    out
}

async fn render_form<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    form: PhoneForm,
    problems: &[PhoneProblem],
    status: StatusCode,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let c = t.console;
    let mut organisations = vec![Opt::new("", c.organisation_auto, &form.organisation)];
    for line in web.desk.organisation_lines().await? {
        organisations.push(Opt::new(line.name.clone(), line.name, &form.organisation));
    }
    let channel = if form.channel.is_empty() {
        "phone"
    } else {
        form.channel.as_str()
    };
    let channels = vec![
        Opt::new("phone", c.channel_phone, channel),
        Opt::new("fax", c.channel_fax, channel),
    ];
    let categories = std::iter::once(Opt::new("", c.no_category, &form.category))
        .chain(
            web.desk
                .config
                .routing
                .categories
                .iter()
                .map(|cat| Opt::new(cat.clone(), cat.clone(), &form.category)),
        )
        .collect();
    let priorities = std::iter::once(Opt::new("", c.priority_by_rules, &form.priority))
        .chain(
            Priority::ALL
                .into_iter()
                .map(|p| Opt::new(p.as_str(), priority_label(&t, p), &form.priority)),
        )
        .collect();
    let page = PhonePage {
        chrome: viewer.chrome(c.phone_heading, "/console/phone"),
        form,
        organisations,
        channels,
        categories,
        priorities,
        problems: worded(&t, problems),
        any_problem: !problems.is_empty(),
    };
    Ok(page::render_with_status(status, &page))
}

/// `GET /console/phone`.
pub async fn form<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
) -> Result<Response, WebError> {
    render_form(&web, &viewer, PhoneForm::default(), &[], StatusCode::OK).await
}

/// `POST /console/phone`.
pub async fn register<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(_staff): StaffViewer,
    CsrfForm(viewer, form): CsrfForm<PhoneForm>,
) -> Result<Response, WebError> {
    let call = match validate(&form) {
        Ok(call) => call,
        Err(problems) => {
            return render_form(
                &web,
                &viewer,
                form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match web
        .desk
        .register_call(&call, &super::technician(&viewer))
        .await
    {
        Ok(registered) => Ok(Redirect::to(&format!(
            "{}?done=registered",
            ticket_href(registered.number)
        ))
        .into_response()),
        Err(PhoneError::UnknownOrganisation(_)) => {
            let problems = [PhoneProblem {
                field: "organisation",
                kind: ProblemKind::UnknownOrganisation,
            }];
            render_form(
                &web,
                &viewer,
                form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(PhoneError::Ingest(e)) => Err(WebError::Internal(e.to_string())),
    }
}
