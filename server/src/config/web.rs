//! `[web]`: the web pages' address, sessions, upload limits and sign-in throttling.

use serde::{Deserialize, Serialize};

use super::{Config, HelpdeskConfig, size};

const MIB: u64 = 1024 * 1024;

/// `[web]`: the customer portal, console, knowledge base and admin pages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// The address users reach the web pages at, e.g. `https://helpdesk.example.it`: links in
    /// mails (password reset) use it, and with `https://` cookies are marked `Secure`. Unset:
    /// `helpdesk.portal_url` when that is set, else `http://<server.listen>`.
    pub public_url: Option<String>,
    /// Days a sign-in lasts without being used (each use extends it).
    pub session_days: u32,
    /// Largest form with files (a reply, a new ticket), every part together, in bytes
    /// (integer or e.g. `"25 MiB"`).
    #[serde(deserialize_with = "size::deserialize")]
    pub max_upload_bytes: u64,
    /// Largest single file in such a form; at most `max_upload_bytes`.
    #[serde(deserialize_with = "size::deserialize")]
    pub max_file_bytes: u64,
    /// Wrong passwords in a row (per address, and per client IP address) before sign-in is
    /// locked for a while.
    pub login_max_failures: u32,
    /// The first lockout, in seconds; each further failure doubles it.
    pub login_lockout_secs: u64,
    /// The longest lockout, in seconds.
    pub login_max_lockout_secs: u64,
    /// Hours a password-reset link stays usable.
    pub reset_link_hours: u32,
    /// Reset mails one address may be sent per hour: more requests get the same answer on the
    /// page, but no mail (so nobody can flood a mailbox from the "forgot password" form).
    pub reset_mails_per_hour: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: None,
            session_days: 14,
            max_upload_bytes: 25 * MIB,
            max_file_bytes: 20 * MIB,
            login_max_failures: 5,
            login_lockout_secs: 60,
            login_max_lockout_secs: 3600,
            reset_link_hours: 2,
            reset_mails_per_hour: 3,
        }
    }
}

impl WebConfig {
    /// The base URL for links (no trailing `/`): `public_url`, else `helpdesk.portal_url` when
    /// it was changed from its default, else `http://<listen>` (an unspecified address such as
    /// `0.0.0.0` becomes `127.0.0.1`, a host name can reach).
    pub fn base_url(&self, helpdesk: &HelpdeskConfig, listen: &str) -> String {
        let chosen = match &self.public_url {
            Some(url) => url.clone(),
            None if helpdesk.portal_url != HelpdeskConfig::default().portal_url => {
                helpdesk.portal_url.clone()
            }
            None => {
                let listen = listen.trim();
                let listen = if let Some(port) = listen.strip_prefix("0.0.0.0:") {
                    format!("127.0.0.1:{port}")
                } else if let Some(port) = listen.strip_prefix("[::]:") {
                    format!("[::1]:{port}")
                } else {
                    listen.to_string()
                };
                format!("http://{listen}")
            }
        };
        chosen.trim_end_matches('/').to_string()
    }

    /// Whether cookies must be `Secure`: the pages are reached over https.
    pub fn secure_cookies(&self, helpdesk: &HelpdeskConfig, listen: &str) -> bool {
        self.base_url(helpdesk, listen)
            .to_ascii_lowercase()
            .starts_with("https://")
    }
}

/// Every problem of `[web]`, as (key, reason).
pub(super) fn problems(config: &Config) -> Vec<(String, String)> {
    let w = &config.web;
    let mut out = Vec::new();
    let mut push = |key: &str, reason: String| out.push((format!("web.{key}"), reason));
    if let Some(url) = &w.public_url {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        match rest {
            None => push(
                "public_url",
                format!("{url:?} must start with http:// or https://"),
            ),
            Some(rest) if rest.trim_end_matches('/').is_empty() => {
                push("public_url", format!("{url:?} has no host name"))
            }
            Some(_) if url.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                push("public_url", format!("{url:?} must not contain spaces"))
            }
            Some(_) => {}
        }
    }
    if w.session_days == 0 || w.session_days > 365 {
        push(
            "session_days",
            format!("{} is out of range (1 to 365)", w.session_days),
        );
    }
    if w.max_upload_bytes == 0 {
        push("max_upload_bytes", "must be greater than 0".into());
    }
    if w.max_file_bytes == 0 {
        push("max_file_bytes", "must be greater than 0".into());
    } else if w.max_upload_bytes > 0 && w.max_file_bytes > w.max_upload_bytes {
        push(
            "max_file_bytes",
            format!(
                "{} bytes is larger than web.max_upload_bytes ({} bytes): a file cannot be \
                 bigger than the form carrying it",
                w.max_file_bytes, w.max_upload_bytes
            ),
        );
    }
    if w.login_max_failures == 0 {
        push(
            "login_max_failures",
            "must be at least 1 (sign-in cannot be locked before the first failure)".into(),
        );
    }
    if w.login_lockout_secs == 0 {
        push("login_lockout_secs", "must be greater than 0".into());
    }
    if w.login_max_lockout_secs < w.login_lockout_secs {
        push(
            "login_max_lockout_secs",
            format!(
                "{} is shorter than web.login_lockout_secs ({})",
                w.login_max_lockout_secs, w.login_lockout_secs
            ),
        );
    }
    if w.reset_mails_per_hour == 0 || w.reset_mails_per_hour > 100 {
        push(
            "reset_mails_per_hour",
            format!("{} is out of range (1 to 100)", w.reset_mails_per_hour),
        );
    }
    if w.reset_link_hours == 0 || w.reset_link_hours > 24 * 7 {
        push(
            "reset_link_hours",
            format!("{} is out of range (1 to 168)", w.reset_link_hours),
        );
    }
    out
}

/// The config file the running process loaded, for pages that say where settings are changed.
static CONFIG_FILE: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

/// Remembers which config file was loaded (None: the embedded defaults). The first call wins.
pub fn remember_config_file(path: Option<std::path::PathBuf>) {
    let _ = CONFIG_FILE.set(path);
}

/// The config file the process loaded, if one was and it was remembered.
pub fn config_file() -> Option<&'static std::path::Path> {
    CONFIG_FILE.get().and_then(|path| path.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_falls_back_from_public_url_to_portal_url_to_the_listen_address() {
        let mut helpdesk = HelpdeskConfig::default();
        let mut web = WebConfig::default();
        assert_eq!(
            web.base_url(&helpdesk, "127.0.0.1:9123"),
            "http://127.0.0.1:9123"
        );
        assert_eq!(web.base_url(&helpdesk, "0.0.0.0:80"), "http://127.0.0.1:80");
        helpdesk.portal_url = "https://portal.example.it".into();
        assert_eq!(
            web.base_url(&helpdesk, "0.0.0.0:80"),
            "https://portal.example.it"
        );
        assert!(web.secure_cookies(&helpdesk, "0.0.0.0:80"));
        web.public_url = Some("https://helpdesk.example.it/".into());
        assert_eq!(
            web.base_url(&helpdesk, "0.0.0.0:80"),
            "https://helpdesk.example.it"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let mut config = Config::default();
        assert!(problems(&config).is_empty());
        config.web.public_url = Some("helpdesk.example.it".into());
        config.web.session_days = 0;
        config.web.max_file_bytes = config.web.max_upload_bytes + 1;
        config.web.login_max_lockout_secs = 1;
        let keys: Vec<String> = problems(&config).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "web.public_url",
                "web.session_days",
                "web.max_file_bytes",
                "web.login_max_lockout_secs"
            ]
        );
    }
}
