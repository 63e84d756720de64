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

/// One entry of the navigation bar.
pub struct NavItem {
    /// Where it leads.
    pub href: &'static str,
    /// Its text.
    pub label: &'static str,
    /// Stable element id (`nav-portal`, `nav-console`…), for browser tests.
    pub id: &'static str,
    /// The page shown is this entry's (or below it).
    pub current: bool,
}

impl Chrome {
    /// The navigation for who is reading: anonymous readers get the knowledge base and
    /// sign-in; customers their tickets, a new ticket and the knowledge base; staff the console,
    /// phone tickets, the article editor and the knowledge base; admins also the admin pages.
    /// The entry whose address is the longest prefix of the current path is marked current.
    pub fn nav(&self) -> Vec<NavItem> {
        let c = self.t.common;
        let mut entries: Vec<(&'static str, &'static str, &'static str)> = match &self.viewer {
            None => vec![
                ("/kb", c.nav_kb, "nav-kb"),
                ("/login", c.nav_login, "nav-login"),
            ],
            Some(v) if v.staff => {
                let mut staff = vec![
                    ("/console", c.nav_console, "nav-console"),
                    ("/console/phone", c.nav_phone, "nav-phone"),
                    ("/console/kb", c.nav_kb_editor, "nav-kb-editor"),
                    ("/kb", c.nav_kb, "nav-kb"),
                ];
                if v.admin {
                    staff.push(("/admin", c.nav_admin, "nav-admin"));
                }
                staff
            }
            Some(_) => vec![
                ("/portal", c.nav_portal, "nav-portal"),
                ("/portal/new", c.nav_new_ticket, "nav-new-ticket"),
                ("/kb", c.nav_kb, "nav-kb"),
            ],
        };
        let current = entries
            .iter()
            .filter(|(href, _, _)| {
                self.path == *href
                    || self
                        .path
                        .strip_prefix(href)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(href, _, _)| href.len())
            .max();
        entries
            .drain(..)
            .map(|(href, label, id)| NavItem {
                href,
                label,
                id,
                current: Some(href.len()) == current
                    && (self.path == href || self.path.starts_with(&format!("{href}/"))),
            })
            .collect()
    }

    /// The language switch's link to `code` (`it`, `en`), coming back to this page.
    pub fn lang_href(&self, code: &str) -> String {
        let next = super::auth::percent_encode_query_value(&self.path);
        format!("/lang/{code}?next={next}")
    }

    /// The link to static file `name` (`ppdesk.css`, `ppdesk.js`) with its content hash.
    pub fn asset(&self, name: &str) -> String {
        super::assets::href(name)
    }

    /// Whether the page is in language `code`.
    pub fn is_lang(&self, code: &str) -> bool {
        self.t.locale.as_str() == code
    }

    /// "Signed in as …" for the header, if someone is.
    pub fn signed_in_line(&self) -> Option<String> {
        self.viewer
            .as_ref()
            .map(|v| super::texts::fill(self.t.common.signed_in_as, &[("name", v.name.as_str())]))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Locale;
    use crate::web::texts::texts;

    fn chrome(path: &str, viewer: Option<(bool, bool)>) -> Chrome {
        Chrome {
            t: texts(Locale::It),
            title: "t".into(),
            viewer: viewer.map(|(staff, admin)| ViewerSummary {
                name: "Mario".into(),
                email: "mario@acme.it".into(),
                staff,
                admin,
            }),
            csrf: String::new(),
            path: path.into(),
        }
    }

    fn ids(c: &Chrome) -> Vec<&'static str> {
        c.nav().iter().map(|n| n.id).collect()
    }

    fn current(c: &Chrome) -> Vec<&'static str> {
        c.nav().iter().filter(|n| n.current).map(|n| n.id).collect()
    }

    #[test]
    fn navigation_follows_the_role() {
        assert_eq!(ids(&chrome("/kb", None)), ["nav-kb", "nav-login"]);
        assert_eq!(
            ids(&chrome("/portal", Some((false, false)))),
            ["nav-portal", "nav-new-ticket", "nav-kb"]
        );
        assert_eq!(
            ids(&chrome("/console", Some((true, false)))),
            ["nav-console", "nav-phone", "nav-kb-editor", "nav-kb"]
        );
        assert!(ids(&chrome("/console", Some((true, true)))).contains(&"nav-admin"));
    }

    #[test]
    fn the_longest_matching_entry_is_current() {
        assert_eq!(
            current(&chrome("/portal/new", Some((false, false)))),
            ["nav-new-ticket"]
        );
        assert_eq!(
            current(&chrome("/portal/tickets/10000", Some((false, false)))),
            ["nav-portal"]
        );
        assert_eq!(
            current(&chrome("/console/kb/3/edit", Some((true, false)))),
            ["nav-kb-editor"]
        );
        assert_eq!(current(&chrome("/kbx", None)), Vec::<&str>::new());
    }

    #[test]
    fn the_language_link_comes_back_to_the_page() {
        let c = chrome("/kb/articles/stampa è", None);
        assert_eq!(
            c.lang_href("en"),
            "/lang/en?next=/kb/articles/stampa%20%C3%A8"
        );
        assert!(c.is_lang("it"));
    }
}
