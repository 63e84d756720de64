//! The security layer of every page: cross-site state changes are refused, every response gets
//! the security headers, and cookies asked for by extractors are set.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::ResponseCookies;
use super::error::WebError;
use super::{WebState, WebStore};

/// The Content-Security-Policy of every page (unless the handler set a stricter one, as
/// attachment downloads do): our own scripts and styles only, no inline code, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// Whether a request that changes state comes from another site: `Sec-Fetch-Site: cross-site`,
/// an opaque `Origin: null`, or an `Origin` that is neither this host nor `base_url`. Requests
/// without either header (old browsers, scripts) are left to the CSRF token.
pub fn is_cross_site(method: &Method, headers: &HeaderMap, base_url: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if fetch_site.as_deref() == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if origin == "null" {
        return true;
    }
    let own = base_url.trim_end_matches('/').to_ascii_lowercase();
    let own_origin = origin_of(&own);
    if origin == own_origin {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase());
    match host {
        Some(host) => origin != format!("http://{host}") && origin != format!("https://{host}"),
        None => true,
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let end = rest.find('/').map_or(url.len(), |i| scheme_end + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

/// Sets the security headers a handler did not set itself.
pub fn add_security_headers(headers: &mut HeaderMap) {
    let defaults: [(header::HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Signed-in pages must not be kept by the browser or a proxy; static files say otherwise.
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

/// Layer: refuses cross-site state changes, collects cookies, adds the security headers.
pub async fn guard<S: WebStore>(
    State(web): State<WebState<S>>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_cross_site(request.method(), request.headers(), &web.base_url) {
        tracing::warn!(
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        let mut response = WebError::CrossSite.into_response();
        add_security_headers(response.headers_mut());
        return response;
    }
    let cookies = ResponseCookies::default();
    request.extensions_mut().insert(cookies.clone());
    let mut response = next.run(request).await;
    for cookie in cookies.take() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    add_security_headers(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const BASE: &str = "https://helpdesk.example.it";

    #[test]
    fn reads_are_never_cross_site_refusals() {
        let h = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!is_cross_site(&Method::GET, &h, BASE));
    }

    #[test]
    fn posts_from_this_site_pass() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert!(!is_cross_site(&Method::POST, &h, BASE));
        let h = headers(&[
            ("origin", "https://helpdesk.example.it"),
            ("host", "10.0.0.5:8080"),
        ]);
        assert!(!is_cross_site(&Method::POST, &h, BASE));
        let h = headers(&[("sec-fetch-site", "same-origin"), ("host", "x")]);
        assert!(!is_cross_site(&Method::POST, &h, BASE));
        // No Origin at all (curl, old browsers): the CSRF token decides.
        assert!(!is_cross_site(&Method::POST, &headers(&[]), BASE));
    }

    #[test]
    fn posts_from_elsewhere_are_refused() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert!(is_cross_site(&Method::POST, &h, BASE));
        let h = headers(&[("origin", "null"), ("host", "127.0.0.1:8080")]);
        assert!(is_cross_site(&Method::POST, &h, BASE));
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(is_cross_site(&Method::DELETE, &h, BASE));
        // Same host name, other port: another origin.
        let h = headers(&[
            ("origin", "http://127.0.0.1:9999"),
            ("host", "127.0.0.1:8080"),
        ]);
        assert!(is_cross_site(&Method::POST, &h, BASE));
    }

    #[test]
    fn handler_headers_win_over_the_defaults() {
        let mut h = headers(&[("content-security-policy", "sandbox")]);
        add_security_headers(&mut h);
        assert_eq!(h["content-security-policy"], "sandbox");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(origin_of("https://a.example/x/y"), "https://a.example");
    }
}
