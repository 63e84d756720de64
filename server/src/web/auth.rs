//! Who is asking: sessions, the extractors every page handler starts with, and the reader's
//! language.
//!
//! A session is a random 32-byte token in the `ppdesk_session` cookie (HttpOnly, SameSite=Lax,
//! Secure over https); the database keeps its SHA-256 with the user and the session's CSRF
//! token. Each use extends it (`[web] session_days`).
//!
//! Extractors (all `FromRequestParts<WebState<S>>`):
//! - [`Viewer`]: any signed-in user, else a redirect to `/login?next=…`;
//! - [`StaffViewer`]: technicians and admins, else 403; [`AdminViewer`]: admins, else 403;
//! - [`CustomerViewer`]: customers and organisation admins (staff are sent to `/console`);
//! - [`MaybeViewer`] and [`Reader`]: public pages, signed in or not.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::error::WebError;
use super::page::{Chrome, ViewerSummary};
use super::texts::{self, Texts};
use super::{WebState, WebStore};
use crate::blobs::sha256_hex;
use crate::config::{Config, Locale};
use crate::store::accounts::{NewSession, UserRecord};

/// The session cookie.
pub const SESSION_COOKIE: &str = "ppdesk_session";
/// The language cookie (`it` / `en`), set by `/lang/{code}`.
pub const LANG_COOKIE: &str = "ppdesk_lang";
/// The pre-session cookie binding the CSRF token of the sign-in and reset forms.
pub const PRESESSION_COOKIE: &str = "ppdesk_pre";
/// A session is written back (last seen, expiry) at most this often.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who.
    pub user: UserRecord,
    /// The session's CSRF token: every form carries it as `_csrf`.
    pub csrf: String,
    /// The language pages are shown in.
    pub locale: Locale,
}

impl Viewer {
    /// Every text in the viewer's language.
    pub fn texts(&self) -> Texts {
        texts::texts(self.locale)
    }

    /// The page frame for a page titled `title` at `path` (the request path).
    pub fn chrome(&self, title: impl Into<String>, path: &str) -> Chrome {
        Chrome {
            t: self.texts(),
            title: title.into(),
            viewer: Some(self.summary()),
            csrf: self.csrf.clone(),
            path: path.to_string(),
        }
    }

    /// How the frame shows the user.
    pub fn summary(&self) -> ViewerSummary {
        ViewerSummary {
            name: self.user.display_name().to_string(),
            email: self.user.email.clone(),
            staff: self.user.role.is_staff(),
            admin: self.user.role.is_admin(),
        }
    }

    /// Whether `token` (from a form or header) is this session's CSRF token.
    pub fn csrf_matches(&self, token: &str) -> bool {
        constant_time_eq(self.csrf.as_bytes(), token.as_bytes())
    }
}

/// A technician or admin.
#[derive(Debug, Clone)]
pub struct StaffViewer(pub Viewer);

/// An admin.
#[derive(Debug, Clone)]
pub struct AdminViewer(pub Viewer);

/// A customer or organisation admin.
#[derive(Debug, Clone)]
pub struct CustomerViewer(pub Viewer);

impl StaffViewer {
    /// The viewer if a technician or admin, else 403 (for handlers that got a [`Viewer`] from
    /// a form extractor such as `CsrfForm`).
    pub fn from_viewer(viewer: Viewer) -> Result<Self, WebError> {
        if viewer.user.role.is_staff() {
            Ok(StaffViewer(viewer))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

impl AdminViewer {
    /// The viewer if an admin, else 403.
    pub fn from_viewer(viewer: Viewer) -> Result<Self, WebError> {
        if viewer.user.role.is_admin() {
            Ok(AdminViewer(viewer))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

impl CustomerViewer {
    /// The viewer if a customer or organisation admin, else 403.
    pub fn from_viewer(viewer: Viewer) -> Result<Self, WebError> {
        if viewer.user.role.is_customer_side() {
            Ok(CustomerViewer(viewer))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// Whoever reads a public page: signed in or not.
#[derive(Debug, Clone)]
pub struct MaybeViewer(pub Option<Viewer>);

/// A reader of a public page (knowledge base): the language to show, and who, if anyone, is
/// signed in.
#[derive(Debug, Clone)]
pub struct Reader {
    /// The signed-in user, if any.
    pub viewer: Option<Viewer>,
    /// The language pages are shown in.
    pub locale: Locale,
}

impl Reader {
    /// Every text in the reader's language.
    pub fn texts(&self) -> Texts {
        texts::texts(self.locale)
    }

    /// The page frame; with the viewer's navigation and CSRF token when signed in.
    pub fn chrome(&self, title: impl Into<String>, path: &str) -> Chrome {
        match &self.viewer {
            Some(viewer) => viewer.chrome(title, path),
            None => Chrome {
                t: self.texts(),
                title: title.into(),
                viewer: None,
                csrf: String::new(),
                path: path.to_string(),
            },
        }
    }

    /// Whether a technician or admin is reading (internal articles show).
    pub fn is_staff(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.user.role.is_staff())
    }
}

/// Cookies the response must set, collected while extractors and handlers run (a session whose
/// expiry moved). The security layer puts one in every request's extensions and copies its
/// contents onto the response.
#[derive(Debug, Clone, Default)]
pub struct ResponseCookies(pub Arc<Mutex<Vec<HeaderValue>>>);

impl ResponseCookies {
    /// Adds a `Set-Cookie` value.
    pub fn push(&self, cookie: HeaderValue) {
        if let Ok(mut cookies) = self.0.lock() {
            cookies.push(cookie);
        }
    }

    /// Takes every value collected.
    pub fn take(&self) -> Vec<HeaderValue> {
        self.0
            .lock()
            .map(|mut cookies| std::mem::take(&mut *cookies))
            .unwrap_or_default()
    }
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// A `Set-Cookie` value: Path=/, SameSite=Lax, HttpOnly unless `script_readable`, Secure when
/// `secure`; `max_age_secs` None makes a browser-session cookie, 0 deletes it.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    secure: bool,
    script_readable: bool,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age_secs {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if !script_readable {
        text.push_str("; HttpOnly");
    }
    if secure {
        text.push_str("; Secure");
    }
    // Names and values are ours (hex tokens, language codes): always valid header text.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// 32 random bytes as 64 hex digits: session tokens, CSRF tokens, reset links.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// What is stored for a token: its SHA-256, lower-case hex.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `token` has the shape of [`random_token`]'s output (anything else is not looked up).
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The language of a reader who is not signed in: the `ppdesk_lang` cookie, else the browser's
/// `Accept-Language`, else the helpdesk's default.
pub fn anonymous_locale(headers: &HeaderMap, config: &Config) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(|code| code.parse::<Locale>().ok())
        .unwrap_or_else(|| {
            crate::catalog::negotiate(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
                config.helpdesk.default_locale,
            )
        })
}

/// The language of a signed-in user: the `ppdesk_lang` cookie (a switch just made), else their
/// saved language, else as for anyone.
pub fn viewer_locale(headers: &HeaderMap, user: &UserRecord, config: &Config) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(|code| code.parse::<Locale>().ok())
        .or(user.locale)
        .unwrap_or_else(|| anonymous_locale(headers, config))
}

/// A local path to return to after signing in or switching language: must start with one `/`
/// (not `//` or `/\`, which browsers read as another host) and hold no control characters.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then(|| next.to_string())
}

/// Where a user goes after signing in when no page was asked for.
pub fn home_of(user: &UserRecord) -> &'static str {
    if user.role.is_staff() {
        "/console"
    } else {
        "/portal"
    }
}

/// The client's IP address, when the server was started with connect info.
pub fn client_ip(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// Starts a session for `user`; returns the `Set-Cookie` value to send.
pub async fn start_session<S: WebStore>(
    web: &super::Web<S>,
    user: &UserRecord,
) -> Result<HeaderValue, WebError> {
    let token = random_token();
    let now = web.desk.now_ms();
    let days = i64::from(web.desk.config.web.session_days);
    web.desk
        .store
        .insert_session(&NewSession {
            token_sha256: token_hash(&token),
            user: user.id,
            csrf: random_token(),
            created_at: now,
            expires_at: now + days * 86_400_000,
        })
        .await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        &token,
        Some(days * 86_400),
        web.secure_cookies,
        false,
    ))
}

/// Ends the session of this request, if any; returns the `Set-Cookie` value deleting it.
pub async fn end_session<S: WebStore>(
    web: &super::Web<S>,
    headers: &HeaderMap,
) -> Result<HeaderValue, WebError> {
    if let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| looks_like_token(t)) {
        web.desk.store.delete_session(&token_hash(token)).await?;
    }
    Ok(set_cookie(
        SESSION_COOKIE,
        "",
        Some(0),
        web.secure_cookies,
        false,
    ))
}

/// The viewer of this request, looked up once and kept in the request's extensions.
#[derive(Clone)]
struct Looked(Option<Viewer>);

async fn lookup<S: WebStore>(
    parts: &mut Parts,
    web: &WebState<S>,
) -> Result<Option<Viewer>, WebError> {
    if let Some(Looked(viewer)) = parts.extensions.get::<Looked>() {
        return Ok(viewer.clone());
    }
    let viewer = match cookie(&parts.headers, SESSION_COOKIE).filter(|t| looks_like_token(t)) {
        None => None,
        Some(token) => {
            let hash = token_hash(token);
            let now = web.desk.now_ms();
            match web.desk.store.session(&hash, now).await? {
                None => None,
                Some(session) => {
                    if now - session.last_seen_at >= TOUCH_EVERY_MS {
                        let days = i64::from(web.desk.config.web.session_days);
                        web.desk
                            .store
                            .touch_session(&hash, now, now + days * 86_400_000)
                            .await?;
                        if let Some(cookies) = parts.extensions.get::<ResponseCookies>() {
                            cookies.push(set_cookie(
                                SESSION_COOKIE,
                                token,
                                Some(days * 86_400),
                                web.secure_cookies,
                                false,
                            ));
                        }
                    }
                    let locale = viewer_locale(&parts.headers, &session.user, &web.desk.config);
                    Some(Viewer {
                        user: session.user,
                        csrf: session.csrf,
                        locale,
                    })
                }
            }
        }
    };
    parts.extensions.insert(Looked(viewer.clone()));
    Ok(viewer)
}

/// The redirect to the sign-in page, coming back to this page after (for page loads).
fn to_login(parts: &Parts) -> Response {
    let target = if parts.method == Method::GET {
        let back = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        format!("/login?next={}", percent_encode_query_value(back))
    } else {
        "/login".to_string()
    };
    Redirect::to(&target).into_response()
}

/// Percent-encodes a query value (everything but unreserved characters and `/`).
pub fn percent_encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

impl<S: WebStore> FromRequestParts<WebState<S>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        match lookup(parts, web).await {
            Ok(Some(viewer)) => Ok(viewer),
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(e.into_response()),
        }
    }
}

impl<S: WebStore> FromRequestParts<WebState<S>> for StaffViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, web).await?;
        if viewer.user.role.is_staff() {
            Ok(StaffViewer(viewer))
        } else {
            Err(WebError::Forbidden.into_response())
        }
    }
}

impl<S: WebStore> FromRequestParts<WebState<S>> for AdminViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, web).await?;
        if viewer.user.role.is_admin() {
            Ok(AdminViewer(viewer))
        } else {
            Err(WebError::Forbidden.into_response())
        }
    }
}

impl<S: WebStore> FromRequestParts<WebState<S>> for CustomerViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, web).await?;
        if viewer.user.role.is_customer_side() {
            Ok(CustomerViewer(viewer))
        } else if parts.method == Method::GET {
            Err(Redirect::to("/console").into_response())
        } else {
            Err(WebError::Forbidden.into_response())
        }
    }
}

impl<S: WebStore> FromRequestParts<WebState<S>> for MaybeViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        lookup(parts, web)
            .await
            .map(MaybeViewer)
            .map_err(IntoResponse::into_response)
    }
}

impl<S: WebStore> FromRequestParts<WebState<S>> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState<S>,
    ) -> Result<Self, Self::Rejection> {
        let viewer = lookup(parts, web)
            .await
            .map_err(IntoResponse::into_response)?;
        let locale = match &viewer {
            Some(viewer) => viewer.locale,
            None => anonymous_locale(&parts.headers, &web.desk.config),
        };
        Ok(Reader { viewer, locale })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn cookies_are_found_among_several_headers() {
        let h = headers(&[
            ("cookie", "a=1; ppdesk_lang=en"),
            ("cookie", "ppdesk_session=abc"),
        ]);
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_over_https() {
        let c = set_cookie(SESSION_COOKIE, "t", Some(60), true, false);
        assert_eq!(
            c.to_str().unwrap(),
            "ppdesk_session=t; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure"
        );
        let c = set_cookie(LANG_COOKIE, "en", None, false, true);
        assert_eq!(c.to_str().unwrap(), "ppdesk_lang=en; Path=/; SameSite=Lax");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/portal/tickets/10000")).as_deref(),
            Some("/portal/tickets/10000")
        );
        assert_eq!(
            safe_next(Some("/kb?q=stampa")).as_deref(),
            Some("/kb?q=stampa")
        );
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "",
            "portal",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn the_language_comes_from_the_cookie_then_the_user_then_the_browser() {
        let config = Config::default();
        let mut user = UserRecord {
            id: 1,
            email: "a@b.it".into(),
            name: None,
            role: crate::accounts::Role::Customer,
            organisation: None,
            locale: None,
            active: true,
        };
        assert_eq!(anonymous_locale(&headers(&[]), &config), Locale::It);
        let english_browser = headers(&[("accept-language", "en-GB,en;q=0.9")]);
        assert_eq!(anonymous_locale(&english_browser, &config), Locale::En);
        assert_eq!(viewer_locale(&english_browser, &user, &config), Locale::En);
        user.locale = Some(Locale::It);
        assert_eq!(viewer_locale(&english_browser, &user, &config), Locale::It);
        let switched = headers(&[("cookie", "ppdesk_lang=en"), ("accept-language", "it")]);
        assert_eq!(viewer_locale(&switched, &user, &config), Locale::En);
    }

    #[test]
    fn tokens_are_random_hex_and_compared_in_constant_time() {
        let a = random_token();
        assert!(looks_like_token(&a));
        assert_ne!(a, random_token());
        assert!(!looks_like_token("../../etc/passwd"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert_eq!(token_hash("x").len(), 64);
    }
}
