//! Forms that change something: the signed-in viewer plus the form, after checking its CSRF
//! token (`_csrf` field or `X-CSRF-Token` header) against the session's.
//!
//! - [`CsrfForm<T>`]: `application/x-www-form-urlencoded` forms; `T` is the form without
//!   `_csrf` (unknown fields are ignored). `CsrfForm<Vec<(String, String)>>` gives every pair,
//!   repeated names included.
//! - [`CsrfMultipart`]: forms with files, within `[web] max_upload_bytes` per request and
//!   `max_file_bytes` per file. Over a limit the answer is a 413 page naming the limit (and the
//!   file), and nothing is kept: the whole upload is read into memory first, handlers store it
//!   only once it is complete.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::auth::Viewer;
use super::error::WebError;
use super::texts::fill;
use super::{WebState, WebStore};

/// The header a `fetch()` call carries the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// Largest urlencoded form body (text only: a long reply or article fits many times over).
pub const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// A urlencoded form from a signed-in viewer whose CSRF token matched.
pub struct CsrfForm<T>(pub Viewer, pub T);

/// A multipart form (with files) from a signed-in viewer whose CSRF token matched.
pub struct CsrfMultipart(pub Viewer, pub Upload);

/// The fields and files of a multipart form, in the order sent (without `_csrf`).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// Text fields as (name, value).
    pub fields: Vec<(String, String)>,
    /// Files chosen (empty file inputs are left out).
    pub files: Vec<UploadedFile>,
}

impl Upload {
    /// The first text field called `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every text field called `name` (checkboxes, multi-selects).
    pub fn texts<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The form field it came in.
    pub field: String,
    /// The file name as the browser sent it (without any folder part).
    pub filename: String,
    /// The type the browser claimed (`application/octet-stream` when none).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

fn header_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Checks a token against the viewer's session: the field's if given, else the header's.
pub fn check_csrf(
    viewer: &Viewer,
    field: Option<&str>,
    header: Option<&str>,
) -> Result<(), WebError> {
    match field.or(header) {
        Some(token) if viewer.csrf_matches(token) => Ok(()),
        _ => Err(WebError::CsrfRejected),
    }
}

/// The file name without any folder a browser (old Internet Explorer) may have sent.
pub fn bare_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    base.chars().filter(|c| !c.is_control()).collect()
}

impl<S: WebStore, T: DeserializeOwned + Send> FromRequest<WebState<S>> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, web: &WebState<S>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, web).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                WebError::PayloadTooLarge {
                    limit: MAX_FORM_BYTES as u64,
                    file: None,
                }
                .into_response()
            })?;
        let field: CsrfField =
            serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField { csrf: None });
        check_csrf(
            &viewer,
            field.csrf.as_deref(),
            header_token(&parts.headers).as_deref(),
        )
        .map_err(IntoResponse::into_response)?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            WebError::BadRequest(fill(
                viewer.texts().common.bad_form,
                &[("detail", &e.to_string())],
            ))
            .into_response()
        })?;
        Ok(CsrfForm(viewer, form))
    }
}

/// Reads and discards what is left of a body (up to `cap` bytes), so the client, still sending,
/// reads our answer instead of a reset connection.
async fn drain(body: Body, cap: u64) {
    let mut stream = body.into_data_stream();
    let mut seen: u64 = 0;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > cap {
            break;
        }
    }
}

impl<S: WebStore> FromRequest<WebState<S>> for CsrfMultipart {
    type Rejection = Response;

    async fn from_request(request: Request, web: &WebState<S>) -> Result<Self, Self::Rejection> {
        let limits = &web.desk.config.web;
        let (max_total, max_file) = (limits.max_upload_bytes, limits.max_file_bytes);
        let drain_cap = max_total.saturating_mul(4).saturating_add(1 << 20);
        let (mut parts, body) = request.into_parts();
        let viewer = match Viewer::from_request_parts(&mut parts, web).await {
            Ok(viewer) => viewer,
            Err(rejection) => {
                drain(body, drain_cap).await;
                return Err(rejection);
            }
        };
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_total) {
            drain(body, drain_cap).await;
            return Err(WebError::PayloadTooLarge {
                limit: max_total,
                file: None,
            }
            .into_response());
        }
        let header_csrf = header_token(&parts.headers);
        let request = Request::from_parts(parts, body);
        let mut multipart = Multipart::from_request(request, web)
            .await
            .map_err(|e| WebError::BadRequest(e.body_text()).into_response())?;

        let mut upload = Upload::default();
        let mut csrf: Option<String> = None;
        let mut total: u64 = 0;
        let mut too_large: Option<WebError> = None;
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => {
                    // A body cut short, or over the router's own limit.
                    return Err(too_large
                        .unwrap_or_else(|| {
                            if total > max_total {
                                WebError::PayloadTooLarge {
                                    limit: max_total,
                                    file: None,
                                }
                            } else {
                                WebError::BadRequest(e.body_text())
                            }
                        })
                        .into_response());
                }
            };
            let name = field.name().unwrap_or_default().to_string();
            let filename = field.file_name().map(bare_filename);
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let mut bytes: Vec<u8> = Vec::new();
            let mut field_size: u64 = 0;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        total += chunk.len() as u64;
                        field_size += chunk.len() as u64;
                        if too_large.is_none() {
                            if filename.is_some() && field_size > max_file {
                                too_large = Some(WebError::PayloadTooLarge {
                                    limit: max_file,
                                    file: filename.clone(),
                                });
                            } else if total > max_total {
                                too_large = Some(WebError::PayloadTooLarge {
                                    limit: max_total,
                                    file: None,
                                });
                            }
                        }
                        if too_large.is_some() {
                            bytes = Vec::new();
                            if total > drain_cap {
                                return Err(too_large
                                    .unwrap_or(WebError::PayloadTooLarge {
                                        limit: max_total,
                                        file: None,
                                    })
                                    .into_response());
                            }
                        } else {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Err(too_large
                            .unwrap_or_else(|| WebError::BadRequest(e.body_text()))
                            .into_response());
                    }
                }
            }
            if too_large.is_some() {
                continue;
            }
            match filename {
                Some(filename) => {
                    // An empty file input still sends a part, with no name and no bytes.
                    if !filename.is_empty() || !bytes.is_empty() {
                        upload.files.push(UploadedFile {
                            field: name,
                            filename,
                            content_type,
                            bytes,
                        });
                    }
                }
                None => {
                    let text = String::from_utf8(bytes).map_err(|_| {
                        WebError::BadRequest(fill(
                            viewer.texts().common.bad_form,
                            &[("detail", &format!("{name}: not UTF-8"))],
                        ))
                        .into_response()
                    })?;
                    if name == super::forms::CSRF_FIELD {
                        csrf = Some(text);
                    } else {
                        upload.fields.push((name, text));
                    }
                }
            }
        }
        if let Some(error) = too_large {
            return Err(error.into_response());
        }
        check_csrf(&viewer, csrf.as_deref(), header_csrf.as_deref())
            .map_err(IntoResponse::into_response)?;
        Ok(CsrfMultipart(viewer, upload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;
    use crate::config::Locale;
    use crate::store::accounts::UserRecord;

    fn viewer() -> Viewer {
        Viewer {
            user: UserRecord {
                id: 1,
                email: "mario@acme.it".into(),
                name: None,
                role: Role::Customer,
                organisation: None,
                locale: None,
                active: true,
            },
            csrf: "a".repeat(64),
            locale: Locale::It,
        }
    }

    #[test]
    fn the_token_must_match_the_session() {
        let v = viewer();
        let good = "a".repeat(64);
        assert_eq!(check_csrf(&v, Some(&good), None), Ok(()));
        assert_eq!(check_csrf(&v, None, Some(&good)), Ok(()));
        assert_eq!(check_csrf(&v, None, None), Err(WebError::CsrfRejected));
        assert_eq!(check_csrf(&v, Some(""), None), Err(WebError::CsrfRejected));
        // A wrong field is not rescued by a right header: the form is what was submitted.
        assert_eq!(
            check_csrf(&v, Some(&"b".repeat(64)), Some(&good)),
            Err(WebError::CsrfRejected)
        );
    }

    #[test]
    fn the_csrf_field_is_found_among_other_fields() {
        let parsed: CsrfField =
            serde_urlencoded::from_bytes(b"body=ciao&_csrf=tok&extra=1").unwrap();
        assert_eq!(parsed.csrf.as_deref(), Some("tok"));
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(b"tag=a&tag=b&_csrf=x").unwrap();
        assert_eq!(pairs.len(), 3);
    }

    #[test]
    fn folder_parts_of_file_names_are_dropped() {
        assert_eq!(bare_filename("C:\\Users\\mario\\errore.png"), "errore.png");
        assert_eq!(bare_filename("../../etc/passwd"), "passwd");
        assert_eq!(bare_filename("fattura\u{0}.pdf"), "fattura.pdf");
    }

    #[test]
    fn uploads_give_fields_by_name() {
        let upload = Upload {
            fields: vec![
                ("body".into(), "testo".into()),
                ("tag".into(), "a".into()),
                ("tag".into(), "b".into()),
            ],
            files: vec![],
        };
        assert_eq!(upload.text("body"), Some("testo"));
        assert_eq!(upload.texts("tag").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(upload.text("missing"), None);
    }
}
