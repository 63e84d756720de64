//! `/admin`: users and roles, organisations, agent tokens, and a read-only view of the
//! configuration (sectors, categories, routing rules, SLA targets). Admins only
//! ([`AdminViewer`]); every change is a POST with the session's CSRF token, answered with a
//! redirect that says what was done (`?done=…`), or the form again with what is wrong.

mod organisations;
mod settings;
mod tokens;
mod users;

use askama::Template;
use axum::Router;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post};

use super::auth::AdminViewer;
use super::page::{self, Chrome};
use super::texts::Texts;
use super::{WebState, WebStore};
use crate::accounts::Role;
use crate::config::Locale;

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new()
        .route("/admin", get(index))
        .route(
            "/admin/users",
            get(users::list::<S>).post(users::create::<S>),
        )
        .route(
            "/admin/users/{id}",
            get(users::show::<S>).post(users::save::<S>),
        )
        .route("/admin/users/{id}/reset", post(users::send_reset::<S>))
        .route(
            "/admin/organisations",
            get(organisations::list::<S>).post(organisations::create::<S>),
        )
        .route(
            "/admin/organisations/edit",
            get(organisations::show::<S>).post(organisations::save::<S>),
        )
        .route(
            "/admin/tokens",
            get(tokens::list::<S>).post(tokens::create::<S>),
        )
        .route("/admin/tokens/revoke", post(tokens::revoke::<S>))
        .route("/admin/config", get(settings::show::<S>))
}

/// A role's name in the reader's language.
pub fn role_label(t: &Texts, role: Role) -> &'static str {
    match role {
        Role::Customer => t.common.role_customer,
        Role::OrgAdmin => t.common.role_org_admin,
        Role::Technician => t.common.role_technician,
        Role::Admin => t.common.role_admin,
    }
}

/// An option of a `<select>`.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Pre-selected.
    pub selected: bool,
}

/// Every role as options, `current` selected.
fn role_choices(t: &Texts, current: Role) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|role| Choice {
            value: role.as_str().to_string(),
            label: role_label(t, *role).to_string(),
            selected: *role == current,
        })
        .collect()
}

/// A moment (Unix ms) as the reader reads dates.
fn when(locale: Locale, tz: chrono_tz::Tz, at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| crate::catalog::date(locale, tz, at))
        .unwrap_or_default()
}

/// The admin overview.
#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    pub chrome: Chrome,
}

async fn index(AdminViewer(viewer): AdminViewer, uri: Uri) -> Response {
    let t = viewer.texts();
    page::render(&IndexPage {
        chrome: viewer.chrome(t.admin.title, uri.path()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::texts::texts;

    #[test]
    fn every_role_has_a_label_and_one_is_selected() {
        let t = texts(Locale::It);
        let choices = role_choices(&t, Role::OrgAdmin);
        assert_eq!(choices.len(), 4);
        assert_eq!(
            choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>(),
            ["org_admin"]
        );
        assert_eq!(role_label(&t, Role::Technician), "Tecnico");
    }

    #[test]
    fn dates_are_shown_in_the_reader_language_and_the_helpdesk_time_zone() {
        let rome = chrono_tz::Europe::Rome;
        assert_eq!(when(Locale::En, rome, 0), "1970-01-01 01:00 CET");
        // 1 July 2026 12:00 UTC, summer time.
        assert_eq!(
            when(Locale::It, rome, 1_782_907_200_000),
            "01/07/2026 14:00 CEST"
        );
    }
}
