//! What a page answers when it cannot do what was asked: an error page in the reader's language
//! with the right status.
//!
//! A handler returns `Err(WebError::…)`; [`WebError`]'s response carries the error as an
//! extension, and the [`render_error_pages`] layer (which knows the request's language) turns
//! it into the page. So handlers never need the language to fail.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::page::{self, Chrome};
use super::texts::{self, Texts, fill};
use super::{WebState, WebStore, auth};
use crate::config::size::format_size;
use crate::operator::OperatorError;
use crate::store::StoreError;

/// Why a page could not be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebError {
    /// 404: no such page, or a ticket the reader may not see.
    #[error("not found")]
    NotFound,
    /// 403: signed in, but not allowed here.
    #[error("forbidden")]
    Forbidden,
    /// 403: the form's CSRF token is missing or wrong (an old page, or another site posting).
    #[error("the form's security token is missing or wrong")]
    CsrfRejected,
    /// 403: a state-changing request from another site (`Origin` / `Sec-Fetch-Site`).
    #[error("cross-site request refused")]
    CrossSite,
    /// 400 with a message for the reader (already in their language).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 413: an upload over a limit. `file` names the file when one file was too big.
    #[error("upload over the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The limit that was exceeded, in bytes.
        limit: u64,
        /// The file over the per-file limit, if that was the one exceeded.
        file: Option<String>,
    },
    /// 500: something on our side; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::CsrfRejected | WebError::CrossSite => {
                StatusCode::FORBIDDEN
            }
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Title and explanation in the reader's language.
    pub fn describe(&self, t: &Texts) -> (String, String) {
        let c = t.common;
        match self {
            WebError::NotFound => (c.not_found_title.into(), c.not_found_text.into()),
            WebError::Forbidden => (c.forbidden_title.into(), c.forbidden_text.into()),
            WebError::CsrfRejected => (c.csrf_title.into(), c.csrf_text.into()),
            WebError::CrossSite => (c.csrf_title.into(), c.cross_site_text.into()),
            WebError::BadRequest(message) => (c.bad_request_title.into(), message.clone()),
            WebError::PayloadTooLarge { limit, file } => {
                let limit = format_size(*limit);
                let text = match file {
                    Some(file) => fill(c.file_too_large_text, &[("file", file), ("limit", &limit)]),
                    None => fill(c.upload_too_large_text, &[("limit", &limit)]),
                };
                (c.too_large_title.into(), text)
            }
            WebError::Internal(_) => (c.internal_title.into(), c.internal_text.into()),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        WebError::Internal(error.to_string())
    }
}

impl From<OperatorError> for WebError {
    fn from(error: OperatorError) -> Self {
        match error {
            OperatorError::NoSuchTicket(_) => WebError::NotFound,
            OperatorError::Store(e) => WebError::Internal(e.to_string()),
            OperatorError::Render(e) => WebError::Internal(e.to_string()),
            // Refusals of the status rules and empty replies: the reader's mistake.
            other => WebError::BadRequest(other.to_string()),
        }
    }
}

impl From<crate::organisations::OrganisationError> for WebError {
    fn from(error: crate::organisations::OrganisationError) -> Self {
        if error.is_refusal() {
            WebError::BadRequest(error.to_string())
        } else {
            WebError::Internal(error.to_string())
        }
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(error: tokio::task::JoinError) -> Self {
        WebError::Internal(error.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!(%detail, "page failed");
        }
        // The body is written by `render_error_pages`, which knows the language; this plain
        // text is what a client sees if the error escapes that layer.
        let mut response = (self.status(), self.to_string()).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The frame.
    pub chrome: Chrome,
    /// What went wrong, in one line.
    pub heading: String,
    /// What to do about it.
    pub text: String,
    /// The status code, as data for scripts and tests.
    pub status: u16,
    /// "Code 404", shown small.
    pub code_line: String,
}

/// Layer: renders every [`WebError`] response as the error page, in the reader's language (the
/// `ppdesk_lang` cookie, else the browser's, else the helpdesk's default).
pub async fn render_error_pages<S: WebStore>(
    State(web): State<WebState<S>>,
    request: Request,
    next: Next,
) -> Response {
    let locale = auth::anonymous_locale(request.headers(), &web.desk.config);
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<WebError>() else {
        return response;
    };
    let t = texts::texts(locale);
    let (heading, text) = error.describe(&t);
    let page = ErrorPage {
        chrome: Chrome {
            t,
            title: heading.clone(),
            viewer: None,
            csrf: String::new(),
            path,
        },
        heading,
        text,
        status: error.status().as_u16(),
        code_line: fill(
            t.common.error_code,
            &[("status", &error.status().as_u16().to_string())],
        ),
    };
    let mut rendered = page::render_with_status(error.status(), &page);
    // Keep what the handler set besides the body (e.g. Retry-After).
    for (name, value) in response.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Locale;

    #[test]
    fn statuses_follow_the_kind_of_error() {
        assert_eq!(WebError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(WebError::CsrfRejected.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            WebError::PayloadTooLarge {
                limit: 1,
                file: None
            }
            .status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn the_upload_error_names_the_limit_and_the_file() {
        let t = texts::texts(Locale::It);
        let (_, text) = WebError::PayloadTooLarge {
            limit: 20 * 1024 * 1024,
            file: Some("foto.png".into()),
        }
        .describe(&t);
        assert!(
            text.contains("foto.png") && text.contains("20 MiB"),
            "{text}"
        );
        let t = texts::texts(Locale::En);
        let (_, text) = WebError::PayloadTooLarge {
            limit: 25 * 1024 * 1024,
            file: None,
        }
        .describe(&t);
        assert!(text.contains("25 MiB"), "{text}");
    }

    #[test]
    fn internal_details_are_not_shown() {
        let t = texts::texts(Locale::En);
        let (_, text) = WebError::Internal("database: disk I/O error".into()).describe(&t);
        assert!(!text.contains("disk"), "{text}");
    }
}
