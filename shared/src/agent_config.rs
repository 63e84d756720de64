//! The tray agent's configuration: the TOML file shape and the resolved settings.
//!
//! Here so that everything that writes an agent config (the MSI's custom action, the .deb,
//! an admin's script, the server's download page) and the agent that reads it share one shape.
//! Loading, layering (machine-wide file, per-user file, environment) and validation with line
//! numbers live in the agent.
//!
//! ```toml
//! server_url = "https://helpdesk.example.it"   # API mode and the "Helpdesk online" link
//! org_token = "ppd_…"                          # API mode
//! mode = "api"                                 # api | smtp | mailclient
//! helpdesk_email = "assistenza@example.it"     # smtp and mailclient modes
//! phone = "+39 02 1234567"                     # shown in the tray menu
//! language = "it"                              # it | en
//! categories = ["Stampanti", "Gestionale", "Rete", "Altro"]
//!
//! [contact]
//! name = "Mario Rossi"
//! email = "mario.rossi@acme.it"
//!
//! [capture]
//! all_monitors = false
//!
//! [smtp]
//! host = "smtp.example.it"
//! port = 587
//! security = "starttls"                       # starttls | tls | none
//! username = "mario.rossi@acme.it"
//! password = "…"
//! ```

use serde::{Deserialize, Serialize};

/// How the agent delivers a ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `POST /api/v1/tickets` with the organisation token.
    #[default]
    Api,
    /// A mail to the helpdesk address through an SMTP server.
    Smtp,
    /// An `.eml` draft opened in the user's mail client, who sends it.
    MailClient,
}

impl Mode {
    /// Every mode, in the order the docs list them.
    pub const ALL: [Self; 3] = [Self::Api, Self::Smtp, Self::MailClient];

    /// The config form: `api`, `smtp`, `mailclient`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Smtp => "smtp",
            Self::MailClient => "mailclient",
        }
    }

    /// Parses the config form, ignoring case and surrounding blanks.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// User interface language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Italian, the default.
    #[default]
    It,
    /// English.
    En,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587), required.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on loopback or a trusted LAN.
    None,
}

/// One config file as written: every key optional, so files can be layered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpdesk_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "ContactFile::is_empty")]
    pub contact: ContactFile,
    #[serde(default, skip_serializing_if = "CaptureFile::is_empty")]
    pub capture: CaptureFile,
    #[serde(default, skip_serializing_if = "SmtpFile::is_empty")]
    pub smtp: SmtpFile,
}

/// `[contact]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ContactFile {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none()
    }
}

/// `[capture]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_monitors: Option<bool>,
}

impl CaptureFile {
    fn is_empty(&self) -> bool {
        self.all_monitors.is_none()
    }
}

/// `[smtp]` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SmtpSecurity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl SmtpFile {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The settings the agent runs with, after layering and defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConfig {
    /// Base URL of the ppdesk server, without a trailing slash.
    pub server_url: Option<String>,
    pub org_token: Option<String>,
    pub mode: Mode,
    pub helpdesk_email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    /// Categories offered in the compose window; never empty.
    pub categories: Vec<String>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    /// Capture every monitor instead of the one under the cursor.
    pub capture_all_monitors: bool,
    pub smtp: SmtpSettings,
}

/// Resolved `[smtp]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: Option<String>,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Categories offered when no config names any (the seed procedure's macro-areas).
pub const DEFAULT_CATEGORIES: [&str; 5] = ["Gestionale", "Stampanti", "Rete", "Posta", "Altro"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_config_forms_round_trip() {
        for mode in Mode::ALL {
            assert_eq!(Mode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(Mode::parse(" MailClient "), Some(Mode::MailClient));
        assert_eq!(Mode::parse("fax"), None);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let error = toml::from_str::<AgentConfigFile>("server_ulr = \"x\"\n")
            .expect_err("a misspelt key must not pass silently");
        assert!(error.to_string().contains("server_ulr"), "{error}");
    }

    #[test]
    fn a_written_file_reads_back() {
        let file = AgentConfigFile {
            server_url: Some("https://helpdesk.example.it".into()),
            mode: Some(Mode::MailClient),
            contact: ContactFile {
                email: Some("mario.rossi@acme.it".into()),
                ..ContactFile::default()
            },
            ..AgentConfigFile::default()
        };
        let text = toml::to_string(&file).expect("serialises");
        assert!(text.contains("mode = \"mailclient\""), "{text}");
        assert!(
            !text.contains("[smtp]"),
            "empty sections are not written: {text}"
        );
        assert_eq!(
            toml::from_str::<AgentConfigFile>(&text).expect("parses"),
            file
        );
    }
}
