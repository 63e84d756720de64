//! `GET /attachments/{id}`: a ticket's file, for the portal and the console.
//!
//! Only for who may see the ticket (`access::may_see_ticket`); a customer also only for files
//! of messages they may see (never those of internal notes). Anyone else gets the same 404 as
//! for an id that does not exist.
//!
//! The bytes are the sender's, so they are served so that they can never run as our page:
//! `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox` (no script, no
//! same-origin access even if opened directly), and only PNG, JPEG, GIF and WebP whose bytes
//! really are that format are shown inline (for `<img>`); everything else is a download
//! (`Content-Disposition: attachment`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::auth::Viewer;
use super::error::WebError;
use super::portal::thread::{bytes_match_image, customer_sees, is_inline_image};
use super::portal::visible_ticket;
use super::{WebState, WebStore};

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new().route("/attachments/{id}", get(download::<S>))
}

/// How a file is handed to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the page (`<img>`).
    Inline,
    /// Saved as a file.
    Attachment,
}

/// Decides how a file is served: inline only for a harmless image type whose bytes match it.
pub fn disposition(content_type: &str, bytes: &[u8]) -> Disposition {
    if is_inline_image(content_type) && bytes_match_image(content_type, bytes) {
        Disposition::Inline
    } else {
        Disposition::Attachment
    }
}

/// The `Content-Type` to send: an inline image's own type; for a download the declared type
/// when it is a plain `type/subtype`, else `application/octet-stream`.
pub fn served_type(content_type: &str, disposition: Disposition) -> String {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let plain = essence.split_once('/').is_some_and(|(t, s)| {
        !t.is_empty()
            && !s.is_empty()
            && essence
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/+-.".contains(c))
    });
    match disposition {
        Disposition::Inline => essence,
        Disposition::Attachment if plain => essence,
        Disposition::Attachment => "application/octet-stream".to_string(),
    }
}

/// `Content-Disposition` with the file name as RFC 6266 wants it: an ASCII fallback and the
/// exact name percent-encoded in `filename*`.
pub fn content_disposition(disposition: Disposition, filename: &str) -> String {
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | ';') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

async fn download<S: WebStore>(
    State(web): State<WebState<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let file = web
        .desk
        .store
        .attachment_file(id)
        .await?
        .ok_or(WebError::NotFound)?;
    visible_ticket(&web, &viewer.user, file.ticket).await?;
    if !viewer.user.role.is_staff() && !customer_sees(&file.message_direction, &file.message_kind) {
        return Err(WebError::NotFound);
    }
    if file.omitted {
        // Over the size limit: the bytes are only inside the raw message.
        return Err(WebError::NotFound);
    }
    let path = web.desk.blobs.path(&file.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| WebError::Internal(format!("attachment {id}: {}: {e}", path.display())))?;
    let disposition = disposition(&file.content_type, &bytes);
    let content_type = served_type(&file.content_type, disposition);
    let header_value = |text: String| {
        HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header_value(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(disposition, &file.filename))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn only_real_images_are_inline() {
        assert_eq!(disposition("image/png", PNG), Disposition::Inline);
        // Claimed PNG, really HTML: downloaded.
        assert_eq!(
            disposition("image/png", b"<html><script>alert(1)</script>"),
            Disposition::Attachment
        );
        assert_eq!(
            disposition("image/svg+xml", b"<svg/>"),
            Disposition::Attachment
        );
        assert_eq!(disposition("text/html", b"<p>"), Disposition::Attachment);
        assert_eq!(
            disposition("application/pdf", b"%PDF"),
            Disposition::Attachment
        );
    }

    #[test]
    fn downloads_keep_plain_types_only() {
        assert_eq!(
            served_type("Application/PDF; name=x.pdf", Disposition::Attachment),
            "application/pdf"
        );
        assert_eq!(
            served_type("text/html\r\nSet-Cookie: x", Disposition::Attachment),
            "application/octet-stream"
        );
        assert_eq!(
            served_type("", Disposition::Attachment),
            "application/octet-stream"
        );
        assert_eq!(served_type("image/png", Disposition::Inline), "image/png");
    }

    #[test]
    fn file_names_are_quoted_and_encoded() {
        assert_eq!(
            content_disposition(Disposition::Attachment, "fattura 12.pdf"),
            "attachment; filename=\"fattura 12.pdf\"; filename*=UTF-8''fattura%2012.pdf"
        );
        assert_eq!(
            content_disposition(Disposition::Inline, "schermata è\"x\".png"),
            "inline; filename=\"schermata __x_.png\"; filename*=UTF-8''schermata%20%C3%A8%22x%22.png"
        );
        // Nothing a header could be split on survives.
        let header = content_disposition(Disposition::Attachment, "a\r\nSet-Cookie: b");
        assert!(!header.contains('\r') && !header.contains('\n'), "{header}");
        assert!(HeaderValue::from_str(&header).is_ok());
    }
}
