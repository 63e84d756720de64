//! What every page shows around its content: the language, who is signed in, the CSRF token
//! for its forms, the navigation. Templates extend `base.html`, which reads [`Chrome`].

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::texts::Texts;

/// The frame of a page.
pub struct Chrome {
    /// Every text of the page, in the reader's language.
    pub t: Texts,
    /// The page's `<title>`.
    pub title: String,
    /// Who is signed in (None on public pages for anonymous readers).
    pub viewer: Option<ViewerSummary>,
    /// The session's CSRF token, put in every form as `_csrf`.
    pub csrf: String,
    /// The request path, to mark the current navigation entry and come back after a
    /// language switch.
    pub path: String,
}

/// The signed-in user as the page frame shows them.
pub struct ViewerSummary {
    /// Display name (or the address when there is none).
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// Technician or admin: the console navigation shows.
    pub staff: bool,
    /// Admin: the admin navigation shows.
    pub admin: bool,
}

/// Renders a template as an HTML response; a rendering failure is logged and answered with a
/// plain 500 (the template itself is what broke, so no page can show it).
pub fn render<T: Template>(template: &T) -> Response {
    render_with_status(StatusCode::OK, template)
}

/// [`render`] with another status (a form shown again with its errors: 422; not found: 404).
pub fn render_with_status<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error while rendering the page",
            )
                .into_response()
        }
    }
}
