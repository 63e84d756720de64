//! The web pages: customer portal (`/portal`), technician console (`/console`), knowledge base
//! (`/kb`), admin (`/admin`) and sign-in. Server-rendered HTML (askama templates under
//! `server/templates/`), a few lines of plain JavaScript, no build chain.
//!
//! Handlers stay thin: an extractor says who is asking (and checks the CSRF token of a form),
//! the desk decides, a template renders. Every text comes from [`texts`].

pub mod page;
pub mod texts;

use std::sync::Arc;

use axum::Router;

use crate::desk::Desk;
use crate::store::Store;

/// What every store behind the web pages can do. Each capability is its own small trait,
/// implemented by the SQLite store in `store/sqlite/`.
pub trait WebStore: Store {}
impl<T: Store> WebStore for T {}

/// The state every page handler gets.
pub struct Web<S: WebStore> {
    /// Tickets, mail, configuration.
    pub desk: Arc<Desk<S>>,
}

/// Shared handle to the web state.
pub type WebState<S> = Arc<Web<S>>;

impl<S: WebStore> Web<S> {
    /// The web state over a desk.
    pub fn new(desk: Arc<Desk<S>>) -> Self {
        Self { desk }
    }
}

/// Every page route, ready to merge into the application router.
pub fn routes<S: WebStore>(web: WebState<S>) -> Router {
    Router::new().with_state(web)
}
