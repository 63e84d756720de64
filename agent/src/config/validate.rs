//! What makes an effective config unusable: checks on the merged keys, each problem
//! attributed to the file and line (or the environment variable) its value came from.
//!
//! These problems do not stop the agent: the tray still runs, the compose window shows them,
//! tickets wait in the outbox, and `doctor` lists them. Only files that cannot be read or
//! parsed stop it (see [`super::ConfigError`]).

use std::fmt;

use ppdesk_shared::agent_config::{Language, Mode};

use super::layering::Merged;
use super::{Place, Source};
use crate::catalog;
use crate::draft::looks_like_address;

/// One thing wrong with the effective config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the value at fault was set (for a missing key: where `mode` was set).
    pub place: Place,
    /// The key at fault, as a dotted path.
    pub key: String,
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Set, but to an empty text.
    Blank,
    /// Not an `http://` or `https://` URL with a host.
    NotHttpUrl { value: String },
    /// Not shaped like an email address.
    NotAnAddress { value: String },
    /// `smtp.port = 0`.
    PortZero,
    /// A category that is empty text; `index` counts from 1.
    BlankCategory { index: usize },
    /// `smtp.username` without `smtp.password` or the other way round.
    HalfCredentials { missing: &'static str },
    /// The mode needs a key that no layer sets.
    ModeNeeds { mode: Mode, missing: &'static str },
}

impl Problem {
    /// The problem as a person reads it: `FILE:LINE: key: reason`.
    pub fn describe(&self, language: Language) -> String {
        format!(
            "{}: {}: {}",
            catalog::doctor::place(language, &self.place),
            self.key,
            catalog::doctor::problem_reason(language, &self.kind)
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Language::En))
    }
}

/// Every problem of `merged`. `line_of(source, key)` gives the line where a file sets a key.
pub fn validate(merged: &Merged, line_of: &dyn Fn(&Source, &str) -> Option<usize>) -> Vec<Problem> {
    let file = &merged.file;
    let place = |key: &str| {
        let source = merged
            .provenance
            .get(key)
            .cloned()
            .unwrap_or(Source::Default);
        let line = line_of(&source, key);
        Place { source, line }
    };
    let mut problems = Vec::new();
    let mut report = |key: &str, kind: ProblemKind| {
        problems.push(Problem {
            place: place(key),
            key: key.to_owned(),
            kind,
        });
    };

    // Text keys: blank is always a mistake (an empty value still wins over the layers below).
    let texts = [
        ("server_url", &file.server_url),
        ("org_token", &file.org_token),
        ("helpdesk_email", &file.helpdesk_email),
        ("phone", &file.phone),
        ("contact.name", &file.contact.name),
        ("contact.email", &file.contact.email),
        ("smtp.host", &file.smtp.host),
        ("smtp.username", &file.smtp.username),
        ("smtp.password", &file.smtp.password),
    ];
    for (key, value) in texts {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            report(key, ProblemKind::Blank);
        }
    }
    if let Some(url) = nonblank(&file.server_url)
        && !is_http_url(url)
    {
        report(
            "server_url",
            ProblemKind::NotHttpUrl {
                value: url.to_owned(),
            },
        );
    }
    for (key, value) in [
        ("helpdesk_email", &file.helpdesk_email),
        ("contact.email", &file.contact.email),
    ] {
        if let Some(address) = nonblank(value)
            && !looks_like_address(address)
        {
            report(
                key,
                ProblemKind::NotAnAddress {
                    value: address.to_owned(),
                },
            );
        }
    }
    if file.smtp.port == Some(0) {
        report("smtp.port", ProblemKind::PortZero);
    }
    match (&file.smtp.username, &file.smtp.password) {
        (Some(_), None) => report(
            "smtp.username",
            ProblemKind::HalfCredentials {
                missing: "smtp.password",
            },
        ),
        (None, Some(_)) => report(
            "smtp.password",
            ProblemKind::HalfCredentials {
                missing: "smtp.username",
            },
        ),
        _ => {}
    }
    for (index, category) in file.categories.iter().flatten().enumerate() {
        if category.trim().is_empty() {
            report(
                "categories",
                ProblemKind::BlankCategory { index: index + 1 },
            );
        }
    }

    let mode = file.mode.unwrap_or_default();
    for &missing in needed_by(mode) {
        // Every key `needed_by` lists is matched here (the mode tests would fail otherwise).
        let set = match missing {
            "server_url" => file.server_url.is_some(),
            "org_token" => file.org_token.is_some(),
            "helpdesk_email" => file.helpdesk_email.is_some(),
            "smtp.host" => file.smtp.host.is_some(),
            "contact.email" => file.contact.email.is_some(),
            _ => true,
        };
        if !set {
            report("mode", ProblemKind::ModeNeeds { mode, missing });
        }
    }
    problems
}

/// The keys a mode cannot work without.
pub fn needed_by(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Api => &["server_url", "org_token"],
        // The mail goes from the user's address to the helpdesk, through the relay.
        Mode::Smtp => &["helpdesk_email", "smtp.host", "contact.email"],
        Mode::MailClient => &["helpdesk_email"],
    }
}

/// An absolute `http://` or `https://` URL with a host.
pub fn is_http_url(text: &str) -> bool {
    reqwest::Url::parse(text.trim()).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    })
}

fn nonblank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::super::layering::{Layer, merge};
    use super::*;

    const MACHINE: &str = "/etc/ppdesk/agent.toml";

    /// Merges one machine-wide file and returns its problems, lines taken from the text.
    fn problems_of(text: &str) -> Vec<String> {
        let path = PathBuf::from(MACHINE);
        let parsed = super::super::file::parse(&path, text).expect("test file parses");
        let merged = merge(&[Layer {
            source: Source::Machine(path),
            file: parsed.file,
        }]);
        let lines: BTreeMap<String, usize> = parsed.lines;
        validate(&merged, &|source, key| match source {
            Source::Machine(_) => lines.get(key).copied(),
            _ => None,
        })
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    #[test]
    fn a_bad_url_is_named_with_file_line_and_key() {
        let problems = problems_of("org_token = \"ppd_x\"\n\nserver_url = \"htp://x\"\n");
        assert_eq!(
            problems,
            [r#"/etc/ppdesk/agent.toml:3: server_url: "htp://x" is not an http(s) URL"#]
        );
        assert_eq!(
            problems_of("org_token = \"t\"\nserver_url = \"helpdesk.example.it\"\n").len(),
            1,
            "a URL needs its scheme"
        );
        assert!(
            problems_of("org_token = \"t\"\nserver_url = \"http://127.0.0.1:8080/\"\n").is_empty()
        );
    }

    #[test]
    fn api_mode_needs_server_url_and_token_and_says_so_at_the_mode_line() {
        let problems = problems_of("phone = \"1\"\nmode = \"api\"\n");
        assert_eq!(
            problems,
            [
                r#"/etc/ppdesk/agent.toml:2: mode: "api" needs server_url, which is not set"#,
                r#"/etc/ppdesk/agent.toml:2: mode: "api" needs org_token, which is not set"#,
            ]
        );
    }

    #[test]
    fn the_default_mode_is_api_and_a_missing_key_is_attributed_to_the_default() {
        let problems = problems_of("server_url = \"https://h.example.it\"\n");
        assert_eq!(
            problems,
            [r#"built-in default: mode: "api" needs org_token, which is not set"#]
        );
    }

    #[test]
    fn smtp_mode_needs_the_helpdesk_the_relay_and_the_sender() {
        let problems = problems_of("mode = \"smtp\"\n");
        assert_eq!(problems.len(), 3, "{problems:?}");
        for key in ["helpdesk_email", "smtp.host", "contact.email"] {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains(&format!("needs {key},"))),
                "{key}: {problems:?}"
            );
        }
        let fine = "mode = \"smtp\"\nhelpdesk_email = \"help@example.it\"\n[contact]\nemail = \"mario@acme.it\"\n[smtp]\nhost = \"mail.example.it\"\n";
        assert!(problems_of(fine).is_empty(), "{:?}", problems_of(fine));
    }

    #[test]
    fn mailclient_mode_needs_only_the_helpdesk_address() {
        assert_eq!(
            problems_of("mode = \"mailclient\"\n"),
            [
                r#"/etc/ppdesk/agent.toml:1: mode: "mailclient" needs helpdesk_email, which is not set"#
            ]
        );
        assert!(
            problems_of("mode = \"mailclient\"\nhelpdesk_email = \"help@example.it\"\n").is_empty()
        );
    }

    #[test]
    fn addresses_ports_credentials_blanks_and_categories_are_checked() {
        let text = "mode = \"mailclient\"\nhelpdesk_email = \"assistenza\"\nphone = \" \"\ncategories = [\"Rete\", \"\"]\n[contact]\nemail = \"mario at acme.it\"\n[smtp]\nport = 0\nusername = \"mario\"\n";
        let problems = problems_of(text);
        assert_eq!(
            problems,
            [
                r#"/etc/ppdesk/agent.toml:3: phone: is empty"#,
                r#"/etc/ppdesk/agent.toml:2: helpdesk_email: "assistenza" is not an email address"#,
                r#"/etc/ppdesk/agent.toml:6: contact.email: "mario at acme.it" is not an email address"#,
                r#"/etc/ppdesk/agent.toml:8: smtp.port: must not be 0"#,
                r#"/etc/ppdesk/agent.toml:9: smtp.username: is set but smtp.password is not"#,
                r#"/etc/ppdesk/agent.toml:4: categories: entry 2 is empty"#,
            ]
        );
    }

    #[test]
    fn values_from_the_environment_are_attributed_to_the_variable() {
        let merged = merge(&[
            Layer {
                source: Source::Env("PPDESK_SERVER_URL"),
                file: ppdesk_shared::agent_config::AgentConfigFile {
                    server_url: Some("ftp://files.example.it".into()),
                    ..Default::default()
                },
            },
            Layer {
                source: Source::Machine(PathBuf::from(MACHINE)),
                file: toml::from_str("org_token = \"t\"\nserver_url = \"https://ok.example.it\"\n")
                    .expect("parses"),
            },
        ]);
        let problems: Vec<String> = validate(&merged, &|_, _| None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                r#"environment variable PPDESK_SERVER_URL: server_url: "ftp://files.example.it" is not an http(s) URL"#
            ]
        );
    }

    #[test]
    fn problems_read_in_italian_too() {
        let problem = Problem {
            place: Place {
                source: Source::Machine(PathBuf::from(MACHINE)),
                line: Some(3),
            },
            key: "server_url".into(),
            kind: ProblemKind::NotHttpUrl {
                value: "htp://x".into(),
            },
        };
        assert_eq!(
            problem.describe(Language::It),
            r#"/etc/ppdesk/agent.toml:3: server_url: "htp://x" non è un URL http(s)"#
        );
    }
}
