//! `/admin/organisations`: every organisation (the config file's read-only), a new database
//! organisation, and a database organisation's domains, contract class and language.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Choice;
use crate::config::{Locale, OrganisationConfig};
use crate::organisations::{OrganisationError, OrganisationProblem, Source};
use crate::web::auth::{AdminViewer, Viewer, percent_encode_query_value};
use crate::web::error::WebError;
use crate::web::forms::CsrfForm;
use crate::web::page::{self, Chrome};
use crate::web::texts::{Texts, fill};
use crate::web::{WebState, WebStore};

/// One organisation in the list.
pub struct OrganisationRow {
    pub name: String,
    /// `config` or `database`.
    pub source: &'static str,
    pub source_label: &'static str,
    pub editable: bool,
    pub domains: String,
    pub class: String,
    pub locale: &'static str,
    pub active_tokens: usize,
    pub conflict: Option<String>,
    /// `/admin/organisations/edit?name=…`.
    pub edit_href: String,
}

/// The organisations page.
#[derive(Template)]
#[template(path = "admin/organisations.html")]
pub struct OrganisationsPage {
    pub chrome: Chrome,
    pub rows: Vec<OrganisationRow>,
    pub config_note: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub form: OrganisationForm,
    pub classes: Vec<Choice>,
    pub locales: Vec<Choice>,
}

/// One organisation's page.
#[derive(Template)]
#[template(path = "admin/organisation.html")]
pub struct OrganisationPage {
    pub chrome: Chrome,
    pub name: String,
    pub editable: bool,
    pub domains: String,
    pub classes: Vec<Choice>,
    pub locales: Vec<Choice>,
    pub error: Option<String>,
}

/// The organisation form (new or changed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub domains: String,
    #[serde(default)]
    pub class: String,
    #[serde(default)]
    pub locale: String,
}

#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
    who: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Named {
    name: String,
}

/// Where the config file is, for notes on read-only settings.
pub(super) fn config_path_text() -> String {
    crate::config::web::config_file()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "--config".to_string())
}

fn class_choices<S: WebStore>(web: &WebState<S>, t: &Texts, current: &str) -> Vec<Choice> {
    let tickets = &web.desk.config.tickets;
    std::iter::once(Choice {
        value: String::new(),
        label: fill(t.admin.default_class, &[("class", &tickets.default_class)]),
        selected: current.is_empty(),
    })
    .chain(tickets.classes.iter().map(|class| Choice {
        value: class.clone(),
        label: class.clone(),
        selected: class.eq_ignore_ascii_case(current),
    }))
    .collect()
}

fn locale_choices<S: WebStore>(web: &WebState<S>, t: &Texts, current: &str) -> Vec<Choice> {
    let default = web.desk.config.helpdesk.default_locale.as_str();
    std::iter::once(Choice {
        value: String::new(),
        label: fill(t.admin.default_language, &[("language", default)]),
        selected: current.is_empty(),
    })
    .chain(
        [("it", t.common.lang_it), ("en", t.common.lang_en)].map(|(code, label)| Choice {
            value: code.to_string(),
            label: label.to_string(),
            selected: current == code,
        }),
    )
    .collect()
}

/// An organisation refusal in the reader's language.
fn refusal_text(t: &Texts, error: OrganisationError) -> Result<String, WebError> {
    let a = t.admin;
    Ok(match error {
        OrganisationError::Refused(problem) => match problem {
            OrganisationProblem::BadName { name, reason } => {
                fill(a.err_org_name, &[("name", &name), ("reason", reason)])
            }
            OrganisationProblem::Duplicate { existing, .. } => {
                fill(a.err_org_duplicate, &[("name", &existing)])
            }
            OrganisationProblem::BadDomain { domain } => {
                fill(a.err_bad_domain, &[("domain", &domain)])
            }
            OrganisationProblem::RepeatedDomain { domain } => {
                fill(a.err_repeated_domain, &[("domain", &domain)])
            }
            OrganisationProblem::DomainTaken { domain, owner } => fill(
                a.err_domain_taken,
                &[("domain", &domain), ("owner", &owner)],
            ),
            OrganisationProblem::StaffDomain { domain } => {
                fill(a.err_staff_domain, &[("domain", &domain)])
            }
            OrganisationProblem::UnknownClass { class, known } => {
                fill(a.err_unknown_class, &[("class", &class), ("known", &known)])
            }
            OrganisationProblem::BadLabel { reason, .. } => {
                fill(a.err_bad_label, &[("reason", reason)])
            }
        },
        OrganisationError::Unknown(name) => fill(a.err_unknown_org, &[("name", &name)]),
        OrganisationError::UnknownToken { .. } => a.err_unknown_token.to_string(),
        OrganisationError::Store(e) => return Err(e.into()),
    })
}

async fn organisations_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    path: &str,
    form: OrganisationForm,
    notice: Option<String>,
    error: Option<String>,
) -> Result<OrganisationsPage, WebError> {
    let t = viewer.texts();
    let rows = web
        .desk
        .organisation_lines()
        .await?
        .into_iter()
        .map(|line| OrganisationRow {
            source: line.source.as_str(),
            source_label: match line.source {
                Source::Config => t.admin.source_config,
                Source::Database => t.admin.source_database,
            },
            editable: line.source == Source::Database,
            domains: line.domains.join(", "),
            class: line.class,
            locale: line.locale.as_str(),
            active_tokens: line.active_tokens,
            conflict: line
                .conflict
                .map(|problem| fill(t.admin.conflict, &[("problem", &problem)])),
            edit_href: format!(
                "/admin/organisations/edit?name={}",
                percent_encode_query_value(&line.name)
            ),
            name: line.name,
        })
        .collect();
    Ok(OrganisationsPage {
        chrome: viewer.chrome(t.admin.orgs_title, path),
        rows,
        config_note: fill(t.admin.orgs_config_note, &[("path", &config_path_text())]),
        notice,
        error,
        classes: class_choices(web, &t, &form.class),
        locales: locale_choices(web, &t, &form.locale),
        form,
    })
}

pub(super) async fn list<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let who = done.who.as_deref().unwrap_or_default();
    let notice = match done.done.as_deref() {
        Some("created") => Some(fill(t.admin.org_created, &[("name", who)])),
        Some("saved") => Some(fill(t.admin.org_saved, &[("name", who)])),
        _ => None,
    };
    let page = organisations_page(
        &web,
        &viewer,
        uri.path(),
        OrganisationForm::default(),
        notice,
        None,
    )
    .await?;
    Ok(page::render(&page))
}

fn parse_locale(text: &str) -> Option<Locale> {
    text.parse().ok()
}

pub(super) async fn create<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    CsrfForm(viewer, form): CsrfForm<OrganisationForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    let t = viewer.texts();
    let candidate = OrganisationConfig {
        name: form.name.clone(),
        domains: crate::admin::split_domains(&form.domains),
        class: Some(form.class.clone()).filter(|c| !c.trim().is_empty()),
        locale: parse_locale(&form.locale),
    };
    match web.desk.create_organisation(candidate).await {
        Ok(org) => Ok(Redirect::to(&format!(
            "/admin/organisations?done=created&who={}",
            percent_encode_query_value(&org.name)
        ))
        .into_response()),
        Err(e) => {
            let text = refusal_text(&t, e)?;
            let page =
                organisations_page(&web, &viewer, uri.path(), form, None, Some(text)).await?;
            Ok(page::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ))
        }
    }
}

async fn organisation_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    name: &str,
    typed: Option<&OrganisationForm>,
    error: Option<String>,
    path: &str,
) -> Result<OrganisationPage, WebError> {
    let t = viewer.texts();
    let (org, source) = web
        .desk
        .organisation_named(name)
        .await?
        .ok_or(WebError::NotFound)?;
    let class = typed
        .map(|f| f.class.clone())
        .unwrap_or_else(|| org.class.clone().unwrap_or_default());
    let locale = typed.map(|f| f.locale.clone()).unwrap_or_else(|| {
        org.locale
            .map(|l| l.as_str().to_string())
            .unwrap_or_default()
    });
    Ok(OrganisationPage {
        chrome: viewer.chrome(fill(t.admin.edit_org_title, &[("name", &org.name)]), path),
        editable: source == Source::Database,
        domains: typed
            .map(|f| f.domains.clone())
            .unwrap_or_else(|| org.domains.join("\n")),
        classes: class_choices(web, &t, &class),
        locales: locale_choices(web, &t, &locale),
        name: org.name,
        error,
    })
}

pub(super) async fn show<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
    Query(named): Query<Named>,
) -> Result<Response, WebError> {
    let page = organisation_page(&web, &viewer, &named.name, None, None, uri.path()).await?;
    Ok(page::render(&page))
}

pub(super) async fn save<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    CsrfForm(viewer, form): CsrfForm<OrganisationForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    let t = viewer.texts();
    let changed = web
        .desk
        .update_organisation(
            &form.name,
            crate::admin::split_domains(&form.domains),
            Some(form.class.clone()),
            parse_locale(&form.locale),
        )
        .await;
    match changed {
        Ok(org) => Ok(Redirect::to(&format!(
            "/admin/organisations?done=saved&who={}",
            percent_encode_query_value(&org.name)
        ))
        .into_response()),
        Err(OrganisationError::Unknown(_)) => Err(WebError::NotFound),
        Err(e) => {
            let text = refusal_text(&t, e)?;
            let page = organisation_page(
                &web,
                &viewer,
                &form.name,
                Some(&form),
                Some(text),
                uri.path(),
            )
            .await?;
            Ok(page::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ))
        }
    }
}
