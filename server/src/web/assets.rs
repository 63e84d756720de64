//! `/static/*`: the stylesheet and script, compiled into the binary (no files to deploy).
//!
//! Pages link them with a content hash (`/static/ppdesk.css?v=…`, see [`href`]), so browsers
//! may keep them for a day and still never run an old copy against a new page.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::error::WebError;
use super::{WebState, WebStore};

/// Every static file: name, content type, bytes.
const FILES: &[(&str, &str, &str)] = &[
    (
        "ppdesk.css",
        "text/css; charset=utf-8",
        include_str!("../../static/ppdesk.css"),
    ),
    (
        "ppdesk.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/ppdesk.js"),
    ),
];

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new().route("/static/{file}", get(serve))
}

async fn serve(Path(file): Path<String>) -> Response {
    let Some((_, content_type, body)) = FILES.iter().find(|(name, _, _)| *name == file) else {
        return WebError::NotFound.into_response();
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        *body,
    )
        .into_response()
}

/// The link to static file `name` with its content hash, e.g. `/static/ppdesk.css?v=3f2a…`.
pub fn href(name: &str) -> String {
    static VERSIONS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let versions = VERSIONS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, _, body)| {
                (
                    *name,
                    crate::blobs::sha256_hex(body.as_bytes())[..12].to_string(),
                )
            })
            .collect()
    });
    match versions.iter().find(|(n, _)| *n == name) {
        Some((_, version)) => format!("/static/{name}?v={version}"),
        None => format!("/static/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_a_content_hash() {
        let css = href("ppdesk.css");
        assert!(css.starts_with("/static/ppdesk.css?v="), "{css}");
        assert_eq!(css.len(), "/static/ppdesk.css?v=".len() + 12);
        assert_eq!(href("other.png"), "/static/other.png");
    }
}
