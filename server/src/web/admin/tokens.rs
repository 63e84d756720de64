//! `/admin/tokens`: the agent API's organisation tokens: list, make (shown once), revoke.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Choice, when};
use crate::organisations::OrganisationError;
use crate::web::auth::{AdminViewer, Viewer, percent_encode_query_value};
use crate::web::error::WebError;
use crate::web::forms::CsrfForm;
use crate::web::page::{self, Chrome};
use crate::web::texts::fill;
use crate::web::{WebState, WebStore};

/// One token in the list.
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub status: String,
    pub revoked: bool,
}

/// An organisation's tokens.
pub struct TokenGroup {
    pub organisation: String,
    pub tokens: Vec<TokenRow>,
}

/// The tokens page.
#[derive(Template)]
#[template(path = "admin/tokens.html")]
pub struct TokensPage {
    pub chrome: Chrome,
    pub groups: Vec<TokenGroup>,
    pub organisations: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The page that shows a new token, once.
#[derive(Template)]
#[template(path = "admin/token_created.html")]
pub struct TokenCreatedPage {
    pub chrome: Chrome,
    pub text: String,
    pub token: String,
}

#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
    who: Option<String>,
    id: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    organisation: String,
    #[serde(default)]
    label: String,
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    organisation: String,
    id: i64,
}

async fn tokens_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    path: &str,
    selected: Option<&str>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, WebError> {
    let t = viewer.texts();
    let mut groups = Vec::new();
    let mut organisations = Vec::new();
    for line in web.desk.organisation_lines().await? {
        let tokens = web.desk.store.tokens(&line.name).await?;
        organisations.push(Choice {
            value: line.name.clone(),
            label: line.name.clone(),
            selected: selected.is_some_and(|s| s == line.name),
        });
        groups.push(TokenGroup {
            organisation: line.name,
            tokens: tokens
                .into_iter()
                .map(|token| TokenRow {
                    id: token.id,
                    label: token.label.unwrap_or_default(),
                    created: when(
                        viewer.locale,
                        web.desk.config.sla.timezone.0,
                        token.created_at,
                    ),
                    status: match token.revoked_at {
                        Some(at) => fill(
                            t.admin.token_revoked,
                            &[(
                                "date",
                                &when(viewer.locale, web.desk.config.sla.timezone.0, at),
                            )],
                        ),
                        None => t.admin.token_active.to_string(),
                    },
                    revoked: token.revoked_at.is_some(),
                })
                .collect(),
        });
    }
    Ok(TokensPage {
        chrome: viewer.chrome(t.admin.tokens_title, path),
        groups,
        organisations,
        notice,
        error,
    })
}

pub(super) async fn list<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let notice = match (done.done.as_deref(), done.id) {
        (Some("revoked"), Some(id)) => Some(fill(
            t.admin.token_revoked_notice,
            &[
                ("id", &id.to_string()),
                ("organisation", done.who.as_deref().unwrap_or_default()),
            ],
        )),
        _ => None,
    };
    let page = tokens_page(&web, &viewer, uri.path(), None, notice, None).await?;
    Ok(page::render(&page))
}

async fn refused<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    path: &str,
    selected: Option<&str>,
    error: OrganisationError,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let text = match error {
        OrganisationError::Unknown(name) => fill(t.admin.err_unknown_org, &[("name", &name)]),
        OrganisationError::UnknownToken { .. } => t.admin.err_unknown_token.to_string(),
        OrganisationError::Refused(crate::organisations::OrganisationProblem::BadLabel {
            reason,
            ..
        }) => fill(t.admin.err_bad_label, &[("reason", reason)]),
        other => return Err(other.into()),
    };
    let page = tokens_page(web, viewer, path, selected, None, Some(text)).await?;
    Ok(page::render_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page,
    ))
}

pub(super) async fn create<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    CsrfForm(viewer, form): CsrfForm<NewTokenForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    let t = viewer.texts();
    let label = Some(form.label.as_str()).filter(|l| !l.trim().is_empty());
    match web.desk.create_token(&form.organisation, label).await {
        Ok(minted) => Ok(page::render(&TokenCreatedPage {
            chrome: viewer.chrome(t.admin.token_created_title, uri.path()),
            text: fill(
                t.admin.token_created_text,
                &[
                    ("id", &minted.id.to_string()),
                    ("organisation", &minted.organisation),
                ],
            ),
            token: minted.token,
        })),
        Err(e) => refused(&web, &viewer, uri.path(), Some(&form.organisation), e).await,
    }
}

pub(super) async fn revoke<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    CsrfForm(viewer, form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    match web.desk.revoke_token(&form.organisation, form.id).await {
        Ok(name) => Ok(Redirect::to(&format!(
            "/admin/tokens?done=revoked&id={}&who={}",
            form.id,
            percent_encode_query_value(&name)
        ))
        .into_response()),
        Err(e) => refused(&web, &viewer, uri.path(), None, e).await,
    }
}
