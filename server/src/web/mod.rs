//! The web pages: customer portal (`/portal`), technician console (`/console`), knowledge base
//! (`/kb`), admin (`/admin`) and sign-in. Server-rendered HTML (askama templates under
//! `server/templates/`), a few lines of plain JavaScript, no build chain.
//!
//! Handlers stay thin: an extractor says who is asking (and checks the CSRF token of a form),
//! the desk decides, a template renders. Every text comes from [`texts`].
//!
//! Every page goes through two layers ([`finish`]): [`security::guard`] (refuses cross-site
//! posts, sets the security headers and the cookies extractors asked for) and
//! [`error::render_error_pages`] (turns a [`error::WebError`] into a page in the reader's
//! language).

pub mod admin;
pub mod assets;
pub mod attachments;
pub mod auth;
pub mod console;
pub mod error;
pub mod forms;
pub mod kb;
pub mod login;
pub mod page;
pub mod portal;
pub mod security;
pub mod texts;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::desk::Desk;
use crate::login_throttle::{LoginThrottle, ThrottlePolicy};
use crate::store::Store;
use crate::store::accounts::Accounts;
use crate::store::admin::Administration;
use crate::store::console::{Console, ConsoleTx};
use crate::store::knowledge::Knowledge;
use crate::store::portal::Portal;

/// What every store behind the web pages can do. Each capability is its own small trait,
/// implemented by the SQLite store in `store/sqlite/`.
pub trait WebStore:
    Store<Tx: ConsoleTx> + Accounts + Administration + Knowledge + Portal + Console
{
}
impl<T: Store<Tx: ConsoleTx> + Accounts + Administration + Knowledge + Portal + Console> WebStore
    for T
{
}

/// The state every page handler gets.
pub struct Web<S: WebStore> {
    /// Tickets, mail, configuration.
    pub desk: Arc<Desk<S>>,
    /// Base URL of the pages for links in mails (no trailing `/`), from `[web] public_url`.
    pub base_url: String,
    /// Cookies are marked `Secure` (the pages are reached over https).
    pub secure_cookies: bool,
    /// Failed sign-ins per address and per client IP.
    pub throttle: Mutex<LoginThrottle>,
    /// The knowledge base's search index (built from the database by [`Web::open`]).
    pub kb: Arc<crate::kb::KnowledgeBase>,
    /// Binds the CSRF token of the sign-in forms (before any session) to their cookie. Random
    /// per process: a restart only asks for a reload of an open sign-in form.
    presession_key: [u8; 32],
}

/// Shared handle to the web state.
pub type WebState<S> = Arc<Web<S>>;

impl<S: WebStore> Web<S> {
    /// The web state over a desk, with the knowledge-base index built from its database.
    pub async fn open(desk: Arc<Desk<S>>) -> Result<Self, crate::kb::KbError> {
        let kb = Arc::new(crate::kb::KnowledgeBase::open(&desk.store).await?);
        Ok(Self::new(desk, kb))
    }

    /// The web state over a desk and a knowledge-base index.
    pub fn new(desk: Arc<Desk<S>>, kb: Arc<crate::kb::KnowledgeBase>) -> Self {
        let config = &desk.config;
        let base_url = config.web.base_url(&config.helpdesk, &config.server.listen);
        let secure_cookies = base_url.to_ascii_lowercase().starts_with("https://");
        let throttle = Mutex::new(LoginThrottle::new(ThrottlePolicy::from_config(&config.web)));
        Self {
            desk,
            base_url,
            secure_cookies,
            throttle,
            kb,
            presession_key: rand::random(),
        }
    }

    /// The CSRF token of a sign-in form for the pre-session cookie value `cookie`.
    pub fn presession_csrf(&self, cookie: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.presession_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(cookie.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Every page route, ready to merge into the application router.
pub fn routes<S: WebStore>(web: WebState<S>) -> Router {
    let pages: Router<WebState<S>> = Router::new()
        .merge(assets::routes())
        .merge(login::routes())
        .merge(admin::routes())
        .merge(kb::routes())
        .merge(portal::routes())
        .merge(console::routes())
        .merge(attachments::routes());
    finish(pages, web)
}

/// The layers every page gets, the 404 page for unknown addresses, and the state.
fn finish<S: WebStore>(pages: Router<WebState<S>>, web: WebState<S>) -> Router {
    let limits = &web.desk.config.web;
    // CsrfMultipart enforces the real limits with a clear page; this only stops a body that
    // keeps coming after that answer was decided.
    let body_cap = limits
        .max_upload_bytes
        .saturating_mul(4)
        .saturating_add(1 << 20);
    pages
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            web.clone(),
            security::guard::<S>,
        ))
        .layer(axum::middleware::from_fn_with_state(
            web.clone(),
            error::render_error_pages::<S>,
        ))
        .layer(DefaultBodyLimit::max(
            usize::try_from(body_cap).unwrap_or(usize::MAX),
        ))
        .with_state(web)
}

async fn not_found() -> error::WebError {
    error::WebError::NotFound
}
