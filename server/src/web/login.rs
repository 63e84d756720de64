//! Signing in and out, "forgot password", the language switch and `/`.
//!
//! The sign-in and reset forms are posted before any session exists, so their CSRF token is
//! bound to a pre-session cookie instead (`ppdesk_pre`: random; the form carries an HMAC of
//! it). A wrong password and an unknown address get the same answer after the same work (an
//! Argon2 verification either way); failures are throttled per address and per client IP
//! ([`crate::login_throttle`]).

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::auth::{
    self, MaybeViewer, PRESESSION_COOKIE, Reader, cookie, random_token, safe_next, set_cookie,
};
use super::error::WebError;
use super::forms::CsrfForm;
use super::page::{self, Chrome};
use super::texts::fill;
use super::{Web, WebState, WebStore};
use crate::accounts::password;
use crate::accounts::service::{AccountError, hash_password, verify_password};
use crate::config::Locale;
use crate::login_throttle::keys_for;

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page::<S>).post(login_submit::<S>))
        .route("/logout", post(logout::<S>))
        .route(
            "/password/forgot",
            get(forgot_page::<S>).post(forgot_submit::<S>),
        )
        .route(
            "/password/reset/{token}",
            get(reset_page::<S>).post(reset_submit::<S>),
        )
        .route("/lang/{code}", get(switch_language::<S>))
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    /// The pre-session CSRF token.
    pub form_csrf: String,
    /// The address typed (kept after a failure).
    pub email: String,
    /// Where to go after signing in.
    pub next: String,
    /// A failure to show.
    pub error: Option<String>,
    /// A notice to show (signed out, password changed).
    pub notice: Option<String>,
}

/// The "forgot password" page.
#[derive(Template)]
#[template(path = "forgot.html")]
pub struct ForgotPage {
    pub chrome: Chrome,
    pub form_csrf: String,
    /// Set once a link was asked for.
    pub sent: Option<String>,
}

/// The "choose a new password" page.
#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub chrome: Chrome,
    pub form_csrf: String,
    /// The link's token (the form posts back to it).
    pub token: String,
    /// Whose password; None when the link is not usable.
    pub email: Option<String>,
    pub error: Option<String>,
    /// "New password for …".
    pub intro: String,
    /// "At least N characters."
    pub hint: String,
}

fn reset_intro(reader: &Reader, email: Option<&str>) -> String {
    email
        .map(|email| fill(reader.texts().common.reset_intro, &[("email", email)]))
        .unwrap_or_default()
}

/// The pre-session cookie of this request, or a new one to set.
fn presession(headers: &HeaderMap, web: &Web<impl WebStore>) -> (String, Option<HeaderValue>) {
    match cookie(headers, PRESESSION_COOKIE).filter(|v| auth::looks_like_token(v)) {
        Some(value) => (value.to_string(), None),
        None => {
            let value = random_token();
            let set = set_cookie(PRESESSION_COOKIE, &value, None, web.secure_cookies, false);
            (value, Some(set))
        }
    }
}

/// Parses a pre-session form after checking its token against the pre-session cookie.
fn presession_form<T: DeserializeOwned>(
    web: &Web<impl WebStore>,
    headers: &HeaderMap,
    body: &Bytes,
    locale: Locale,
) -> Result<T, WebError> {
    #[derive(Deserialize)]
    struct Token {
        #[serde(rename = "_csrf")]
        csrf: Option<String>,
    }
    let token: Token = serde_urlencoded::from_bytes(body).unwrap_or(Token { csrf: None });
    let expected = cookie(headers, PRESESSION_COOKIE)
        .filter(|v| auth::looks_like_token(v))
        .map(|value| web.presession_csrf(value));
    match (token.csrf, expected) {
        (Some(given), Some(expected))
            if auth::constant_time_eq(given.as_bytes(), expected.as_bytes()) => {}
        _ => return Err(WebError::CsrfRejected),
    }
    serde_urlencoded::from_bytes(body).map_err(|e| {
        WebError::BadRequest(fill(
            super::texts::texts(locale).common.bad_form,
            &[("detail", &e.to_string())],
        ))
    })
}

fn anonymous_chrome(reader: &Reader, title: &str, path: &str) -> Chrome {
    Chrome {
        t: reader.texts(),
        title: title.to_string(),
        viewer: None,
        csrf: String::new(),
        path: path.to_string(),
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `/`: customers to their tickets, staff to the console, everyone else to sign in.
async fn home(MaybeViewer(viewer): MaybeViewer) -> Response {
    match viewer {
        Some(viewer) => Redirect::to(auth::home_of(&viewer.user)).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    /// `out` after signing out, `reset` after a new password.
    done: Option<String>,
}

async fn login_page<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if let Some(viewer) = &reader.viewer {
        let target = next.unwrap_or_else(|| auth::home_of(&viewer.user).to_string());
        return Redirect::to(&target).into_response();
    }
    let (value, set) = presession(&headers, &web);
    let t = reader.texts();
    let notice = match query.done.as_deref() {
        Some("out") => Some(t.common.signed_out.to_string()),
        Some("reset") => Some(t.common.reset_done.to_string()),
        _ => None,
    };
    let page = LoginPage {
        chrome: anonymous_chrome(&reader, t.common.login_title, "/login"),
        form_csrf: web.presession_csrf(&value),
        email: String::new(),
        next: next.unwrap_or_default(),
        error: None,
        notice,
    };
    with_cookie(page::render(&page), set)
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login_submit<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let body = axum::body::to_bytes(body, super::forms::MAX_FORM_BYTES)
        .await
        .map_err(|_| WebError::BadRequest("form too large".into()))?;
    let form: LoginForm = presession_form(&web, &parts.headers, &body, reader.locale)?;
    let t = reader.texts();
    let keys = keys_for(&form.email, ip);
    let now = web.desk.now_ms();
    let refuse = |message: String, status: StatusCode| {
        let (value, set) = presession(&parts.headers, &web);
        let page = LoginPage {
            chrome: anonymous_chrome(&reader, t.common.login_title, "/login"),
            form_csrf: web.presession_csrf(&value),
            email: form.email.trim().to_string(),
            next: safe_next(form.next.as_deref()).unwrap_or_default(),
            error: Some(message),
            notice: None,
        };
        with_cookie(page::render_with_status(status, &page), set)
    };
    let locked = web
        .throttle
        .lock()
        .ok()
        .and_then(|throttle| throttle.locked_until(&keys, now));
    if let Some(until) = locked {
        return Ok(locked_answer(refuse, t.common.login_locked, until, now));
    }
    let credentials = web.desk.store.credentials(&form.email).await?;
    let (user, stored) = match credentials {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matched = verify_password(form.password.clone(), stored).await;
    match user {
        Some(user) if matched && user.active => {
            if let Ok(mut throttle) = web.throttle.lock() {
                throttle.success(&keys);
            }
            let session = auth::start_session(&web, &user).await?;
            // Sign-ins are rare enough to tidy up on: expired sessions and links go.
            if let Err(e) = web.desk.store.purge_expired(now).await {
                tracing::warn!(error = %e, "removing expired sessions failed");
            }
            let target =
                safe_next(form.next.as_deref()).unwrap_or_else(|| auth::home_of(&user).to_string());
            tracing::info!(user = %user.email, "signed in");
            Ok(with_cookie(
                Redirect::to(&target).into_response(),
                Some(session),
            ))
        }
        _ => {
            let locked = web
                .throttle
                .lock()
                .ok()
                .and_then(|mut throttle| throttle.failure(&keys, now));
            tracing::warn!(address = %form.email.trim(), ip = ?ip, locked = locked.is_some(), "sign-in failed");
            Ok(match locked {
                Some(until) => locked_answer(refuse, t.common.login_locked, until, now),
                None => refuse(t.common.login_failed.to_string(), StatusCode::UNAUTHORIZED),
            })
        }
    }
}

/// 429 with the sign-in page saying how long to wait, and `Retry-After`.
fn locked_answer(
    refuse: impl FnOnce(String, StatusCode) -> Response,
    text: &str,
    until: i64,
    now: i64,
) -> Response {
    let seconds = ((until - now).max(0) + 999) / 1000;
    let minutes = ((seconds + 59) / 60).max(1);
    let mut response = refuse(
        fill(text, &[("minutes", &minutes.to_string())]),
        StatusCode::TOO_MANY_REQUESTS,
    );
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
struct Empty {}

async fn logout<S: WebStore>(
    State(web): State<WebState<S>>,
    headers: HeaderMap,
    CsrfForm(viewer, Empty {}): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let delete = auth::end_session(&web, &headers).await?;
    tracing::info!(user = %viewer.user.email, "signed out");
    Ok(with_cookie(
        Redirect::to("/login?done=out").into_response(),
        Some(delete),
    ))
}

async fn forgot_page<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
) -> Response {
    let (value, set) = presession(&headers, &web);
    let page = ForgotPage {
        chrome: anonymous_chrome(
            &reader,
            reader.texts().common.forgot_title,
            "/password/forgot",
        ),
        form_csrf: web.presession_csrf(&value),
        sent: None,
    };
    with_cookie(page::render(&page), set)
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

async fn forgot_submit<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form: ForgotForm = presession_form(&web, &headers, &body, reader.locale)?;
    let t = reader.texts();
    // The same answer whether the address exists or not; failures are logged only.
    match web
        .desk
        .send_password_reset(&form.email, &web.base_url)
        .await
    {
        Ok(_) => {}
        Err(AccountError::Store(e)) => return Err(e.into()),
        Err(e) => tracing::error!(error = %e, "password reset mail not queued"),
    }
    let (value, set) = presession(&headers, &web);
    let page = ForgotPage {
        chrome: anonymous_chrome(&reader, t.common.forgot_title, "/password/forgot"),
        form_csrf: web.presession_csrf(&value),
        sent: Some(fill(
            t.common.forgot_sent,
            &[("hours", &web.desk.config.web.reset_link_hours.to_string())],
        )),
    };
    Ok(with_cookie(page::render(&page), set))
}

fn reset_hint(reader: &Reader) -> String {
    fill(
        reader.texts().common.password_hint,
        &[("min", &password::MIN_CHARS.to_string())],
    )
}

async fn reset_page<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let user = if auth::looks_like_token(&token) {
        web.desk
            .store
            .password_reset_user(&auth::token_hash(&token), web.desk.now_ms())
            .await?
    } else {
        None
    };
    let (value, set) = presession(&headers, &web);
    let t = reader.texts();
    let status = if user.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = ResetPage {
        chrome: anonymous_chrome(&reader, t.common.reset_title, "/password/reset"),
        form_csrf: web.presession_csrf(&value),
        token,
        error: user.is_none().then(|| t.common.reset_invalid.to_string()),
        intro: reset_intro(&reader, user.as_ref().map(|u| u.email.as_str())),
        email: user.map(|u| u.email),
        hint: reset_hint(&reader),
    };
    Ok(with_cookie(page::render_with_status(status, &page), set))
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
    confirm: String,
}

async fn reset_submit<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form: ResetForm = presession_form(&web, &headers, &body, reader.locale)?;
    let t = reader.texts();
    let now = web.desk.now_ms();
    let hash = auth::token_hash(&token);
    let user = if auth::looks_like_token(&token) {
        web.desk.store.password_reset_user(&hash, now).await?
    } else {
        None
    };
    let problem = if user.is_none() {
        Some(t.common.reset_invalid.to_string())
    } else if form.password != form.confirm {
        Some(t.common.passwords_differ.to_string())
    } else {
        match password::problem(&form.password) {
            Some(password::PasswordProblem::TooShort) => Some(fill(
                t.common.password_too_short,
                &[("min", &password::MIN_CHARS.to_string())],
            )),
            Some(password::PasswordProblem::TooLong) => Some(fill(
                t.common.password_too_long,
                &[("max", &password::MAX_CHARS.to_string())],
            )),
            None => None,
        }
    };
    let show = |error: String, email: Option<String>, status: StatusCode| {
        let (value, set) = presession(&headers, &web);
        let page = ResetPage {
            chrome: anonymous_chrome(&reader, t.common.reset_title, "/password/reset"),
            form_csrf: web.presession_csrf(&value),
            token: token.clone(),
            intro: reset_intro(&reader, email.as_deref()),
            email,
            error: Some(error),
            hint: reset_hint(&reader),
        };
        with_cookie(page::render_with_status(status, &page), set)
    };
    if let Some(problem) = problem {
        let status = if user.is_none() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok(show(problem, user.map(|u| u.email), status));
    }
    let new_hash = hash_password(form.password)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    match web.desk.store.reset_password(&hash, &new_hash, now).await? {
        Some(user) => {
            tracing::info!(user = %user.email, "password reset by link");
            Ok(Redirect::to("/login?done=reset").into_response())
        }
        // Used by a parallel request in the meantime.
        None => Ok(show(
            t.common.reset_invalid.to_string(),
            None,
            StatusCode::NOT_FOUND,
        )),
    }
}

#[derive(Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// `/lang/{it|en}`: remembers the language in a cookie (a year) and goes back.
async fn switch_language<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(code): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, WebError> {
    let locale: Locale = code.parse().map_err(|_| WebError::NotFound)?;
    let target = safe_next(query.next.as_deref()).unwrap_or_else(|| "/".to_string());
    let cookie = set_cookie(
        auth::LANG_COOKIE,
        locale.as_str(),
        Some(365 * 86_400),
        web.secure_cookies,
        false,
    );
    Ok(with_cookie(
        Redirect::to(&target).into_response(),
        Some(cookie),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::texts::texts;

    fn chrome(locale: Locale) -> Chrome {
        Chrome {
            t: texts(locale),
            title: "Accedi".into(),
            viewer: None,
            csrf: String::new(),
            path: "/login".into(),
        }
    }

    #[test]
    fn the_sign_in_page_renders_its_form_escaped_in_the_frame() {
        let page = LoginPage {
            chrome: chrome(Locale::It),
            form_csrf: "tok".into(),
            email: "\"><script>x</script>".into(),
            next: "/portal".into(),
            error: Some("Indirizzo email o password non corretti.".into()),
            notice: None,
        };
        let html = page.render().unwrap();
        assert!(html.contains("<html lang=\"it\">"));
        assert!(html.contains("name=\"_csrf\" value=\"tok\""));
        assert!(html.contains("id=\"login-error\""));
        assert!(
            !html.contains("<script>x</script>"),
            "the typed address is not escaped"
        );
        assert!(html.contains("/static/ppdesk.css?v="));
        // Anonymous: no sign-out form, the sign-in and KB entries in the navigation.
        assert!(!html.contains("id=\"logout-form\""));
        assert!(html.contains("id=\"nav-login\"") && html.contains("id=\"nav-kb\""));
    }

    #[test]
    fn the_reset_page_without_a_usable_link_offers_a_new_one() {
        let page = ResetPage {
            chrome: chrome(Locale::En),
            form_csrf: "tok".into(),
            token: "t".into(),
            email: None,
            error: Some(texts(Locale::En).common.reset_invalid.into()),
            intro: String::new(),
            hint: String::new(),
        };
        let html = page.render().unwrap();
        assert!(!html.contains("id=\"reset-form\""));
        assert!(html.contains("href=\"/password/forgot\""));
    }
}
