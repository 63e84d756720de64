//! The agent API's handlers (`ppdesk_shared::api`): read the wire, let `crate::api` decide what
//! the request means, call the desk, answer. Every refusal is an `ApiError` body.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use ppdesk_shared::api::{KB_SUGGEST_PATH, KbSuggestion, TICKETS_PATH};

use crate::api::submission::{self, FormPart, Limits};
use crate::api::{ApiProblem, queries, token};
use crate::catalog;
use crate::config::{ApiConfig, Locale, OrganisationConfig};
use crate::desk::Desk;
use crate::ingest::agent::Submitted;
use crate::kb::{Audience, KnowledgeBase};
use crate::store::Store;

/// The API routes, with the request size limit of `[api]`.
pub(super) fn routes<S: Store>(config: &ApiConfig, kb: Arc<KnowledgeBase>) -> Router<Arc<Desk<S>>> {
    let limit = usize::try_from(config.max_request_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route(
            TICKETS_PATH,
            get(list_tickets::<S>).post(create_ticket::<S>),
        )
        .route(KB_SUGGEST_PATH, get(kb_suggest::<S>))
        .layer(DefaultBodyLimit::max(limit))
        .layer(Extension(kb))
}

/// `POST /api/v1/tickets`: 201 with the new ticket, 200 with the one a repeated submission
/// id opened before.
async fn create_ticket<S: Store>(
    State(desk): State<Arc<Desk<S>>>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    match create(&desk, &headers, form).await {
        Ok(Submitted { created, ticket }) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(ticket)).into_response()
        }
        Err(problem) => refuse(&problem, locale(&desk, &headers)),
    }
}

async fn create<S: Store>(
    desk: &Desk<S>,
    headers: &HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Submitted, ApiProblem> {
    let organisation = authenticate(desk, headers).await?;
    let limits = Limits::from_config(&desk.config.api);
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.request_bytes) {
        return Err(ApiProblem::TooLarge {
            field: None,
            limit: limits.request_bytes,
        });
    }
    let mut form = form.map_err(|rejection| ApiProblem::BadForm {
        detail: rejection.body_text(),
    })?;
    let submission = submission::parse(read_parts(&mut form, &limits).await?)?;
    if !submission.ignored.is_empty() {
        tracing::warn!(fields = ?submission.ignored, "ignored unknown form fields");
    }
    desk.submit(&organisation, &submission).await.map_err(|e| {
        tracing::error!(error = %e, organisation = %organisation.name, "could not open the submitted ticket");
        ApiProblem::Unavailable
    })
}

/// Reads every part, each within its own limit (the whole body's is the extractor's).
async fn read_parts(form: &mut Multipart, limits: &Limits) -> Result<Vec<FormPart>, ApiProblem> {
    let mut parts = Vec::new();
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| form_problem(&e, limits))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let limit = submission::part_limit(&name, limits);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| form_problem(&e, limits))? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(ApiProblem::TooLarge {
                    field: Some(name),
                    limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        parts.push(FormPart {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    Ok(parts)
}

fn form_problem(error: &MultipartError, limits: &Limits) -> ApiProblem {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiProblem::TooLarge {
            field: None,
            limit: limits.request_bytes,
        }
    } else {
        ApiProblem::BadForm {
            detail: error.body_text(),
        }
    }
}

/// `GET /api/v1/tickets?contact=EMAIL`: the organisation's tickets of that requester.
async fn list_tickets<S: Store>(
    State(desk): State<Arc<Desk<S>>>,
    headers: HeaderMap,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let listed = async {
        let organisation = authenticate(&desk, &headers).await?;
        let contact = queries::contact(param(&params, queries::CONTACT))?;
        desk.ticket_summaries(&organisation.name, &contact, queries::MAX_LISTED)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "could not list tickets");
                ApiProblem::Unavailable
            })
    };
    match listed.await {
        Ok(tickets) => Json(tickets).into_response(),
        Err(problem) => refuse(&problem, locale(&desk, &headers)),
    }
}

/// `GET /api/v1/kb/suggest?q=`: up to five public knowledge-base articles for the words typed
/// (the last one may be unfinished), best first. An organisation token reads as a customer
/// does: internal articles never appear.
async fn kb_suggest<S: Store>(
    State(desk): State<Arc<Desk<S>>>,
    Extension(kb): Extension<Arc<KnowledgeBase>>,
    headers: HeaderMap,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let checked = async {
        authenticate(&desk, &headers).await?;
        let query = queries::kb_query(param(&params, queries::QUERY))?;
        kb.suggest(&query, Audience::Public).map_err(|e| {
            tracing::error!(error = %e, "knowledge-base suggestion failed");
            ApiProblem::Unavailable
        })
    };
    match checked.await {
        Ok(hits) => Json(
            hits.into_iter()
                .map(|hit| KbSuggestion {
                    url: crate::web::kb::article_href(&hit.slug),
                    title: hit.title,
                    excerpt: hit.excerpt,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(problem) => refuse(&problem, locale(&desk, &headers)),
    }
}

fn param<'a>(
    params: &'a Result<Query<HashMap<String, String>>, QueryRejection>,
    name: &str,
) -> Option<&'a str> {
    params
        .as_ref()
        .ok()
        .and_then(|Query(params)| params.get(name))
        .map(String::as_str)
}

/// The organisation of the request's bearer token.
async fn authenticate<S: Store>(
    desk: &Desk<S>,
    headers: &HeaderMap,
) -> Result<OrganisationConfig, ApiProblem> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(token::bearer)
        .ok_or(ApiProblem::Unauthorized)?;
    match desk.authenticate(presented).await {
        Ok(Some(organisation)) => Ok(organisation),
        Ok(None) => Err(ApiProblem::Unauthorized),
        Err(e) => {
            tracing::error!(error = %e, "could not check an API token");
            Err(ApiProblem::Unavailable)
        }
    }
}

/// The language of refusals: the request's `Accept-Language`, else the helpdesk's default.
fn locale<S: Store>(desk: &Desk<S>, headers: &HeaderMap) -> Locale {
    catalog::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        desk.config.helpdesk.default_locale,
    )
}

fn status_of(problem: &ApiProblem) -> StatusCode {
    match problem {
        ApiProblem::Unauthorized => StatusCode::UNAUTHORIZED,
        ApiProblem::BadForm { .. }
        | ApiProblem::Missing { .. }
        | ApiProblem::Repeated { .. }
        | ApiProblem::Invalid { .. } => StatusCode::BAD_REQUEST,
        ApiProblem::NotPng => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ApiProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        ApiProblem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn refuse(problem: &ApiProblem, locale: Locale) -> Response {
    let mut response = (status_of(problem), Json(problem.to_api_error(locale))).into_response();
    if *problem == ApiProblem::Unauthorized {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}
