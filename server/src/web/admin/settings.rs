//! `/admin/config`: sectors, categories, contract classes, routing rules and SLA targets as the
//! running server has them, with the config file they are changed in. Read-only by design: the
//! file is the one source of truth (checked by `check-config`, kept in version control).

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;

use crate::web::auth::AdminViewer;
use crate::web::error::WebError;
use crate::web::page::{self, Chrome};
use crate::web::texts::fill;
use crate::web::{WebState, WebStore};

/// A name, and whether it is the default.
pub struct NamedEntry {
    pub name: String,
    pub default: bool,
}

/// One routing rule.
pub struct RuleRow {
    pub name: String,
    pub sector: String,
    pub category: String,
    pub priority: String,
    pub keywords: String,
    pub sender_domains: String,
    pub when_category: String,
}

/// The configuration page.
#[derive(Template)]
#[template(path = "admin/config.html")]
pub struct ConfigPage {
    pub chrome: Chrome,
    pub file_note: String,
    pub sectors: Vec<NamedEntry>,
    pub categories: Vec<String>,
    pub classes: Vec<NamedEntry>,
    pub rules: Vec<RuleRow>,
    /// The `[sla]` section as TOML.
    pub sla: String,
}

pub(super) async fn show<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let config = &web.desk.config;
    let file_note = match crate::config::web::config_file() {
        Some(path) => fill(
            t.admin.config_file_note,
            &[("path", &path.display().to_string())],
        ),
        None => t.admin.config_defaults_note.to_string(),
    };
    let routing = &config.routing;
    let sla = toml::to_string_pretty(&config.sla)
        .map(|body| format!("[sla]\n{body}"))
        .map_err(|e| WebError::Internal(format!("showing [sla]: {e}")))?;
    let page = ConfigPage {
        chrome: viewer.chrome(t.admin.config_title, uri.path()),
        file_note,
        sectors: routing
            .sectors
            .iter()
            .map(|s| NamedEntry {
                name: s.clone(),
                default: *s == routing.default_sector,
            })
            .collect(),
        categories: routing.categories.clone(),
        classes: config
            .tickets
            .classes
            .iter()
            .map(|c| NamedEntry {
                name: c.clone(),
                default: *c == config.tickets.default_class,
            })
            .collect(),
        rules: routing
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| RuleRow {
                name: rule.name.clone().unwrap_or_else(|| format!("#{}", i + 1)),
                sector: rule.sector.clone(),
                category: rule.category.clone().unwrap_or_default(),
                priority: rule
                    .priority
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                keywords: rule.keywords.join(", "),
                sender_domains: rule.sender_domains.join(", "),
                when_category: rule.when_category.join(", "),
            })
            .collect(),
        sla,
    };
    Ok(page::render(&page))
}
