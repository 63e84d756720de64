//! What an installer writes into the machine-wide config file: the values it was given (the
//! MSI's public properties `SERVER_URL`, `ORG_TOKEN`, `HELPDESK_EMAIL`, `MODE`, `PHONE`, or
//! `ppdesk-agent install-config --server-url …` on Linux) merged into the file already there.
//!
//! The rule, as a plain function ([`plan`]) over the file's text and the given values:
//! - a value that is blank was not given (an MSI property that is not set expands to `""`):
//!   the file keeps what it says, so an upgrade without `ORG_TOKEN=` keeps the token;
//! - a given value replaces the key in place; every other key, comment and blank line of the
//!   file stays as the administrator wrote it;
//! - the given values are checked with the agent's own validation ([`super::validate`]): a bad
//!   one refuses the whole write, naming the property (an installer must fail, not write a
//!   config the agent then rejects). Problems the installer did not cause (a key the file
//!   already had, a key the mode needs that may come from the per-user file or the
//!   environment) are warnings;
//! - a file that exists but cannot be trusted (not TOML, an unknown key) is never overwritten:
//!   the administrator fixes it first.

use std::fmt;
use std::path::Path;

use ppdesk_shared::agent_config::{AgentConfigFile, Language, Mode};
use toml_edit::DocumentMut;

use super::file;
use super::layering::{self, Layer};
use super::validate::{self, Problem, ProblemKind};
use super::{ConfigError, Source};
use crate::catalog;

/// One value an installer can set, and the config key it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Property {
    ServerUrl,
    OrgToken,
    HelpdeskEmail,
    Mode,
    Phone,
}

impl Property {
    /// Every property, in the order they are documented.
    pub const ALL: [Self; 5] = [
        Self::ServerUrl,
        Self::OrgToken,
        Self::HelpdeskEmail,
        Self::Mode,
        Self::Phone,
    ];

    /// The MSI's public property (`msiexec /i … SERVER_URL=…`).
    pub fn msi_name(self) -> &'static str {
        match self {
            Self::ServerUrl => "SERVER_URL",
            Self::OrgToken => "ORG_TOKEN",
            Self::HelpdeskEmail => "HELPDESK_EMAIL",
            Self::Mode => "MODE",
            Self::Phone => "PHONE",
        }
    }

    /// The config file's key.
    pub fn key(self) -> &'static str {
        match self {
            Self::ServerUrl => "server_url",
            Self::OrgToken => "org_token",
            Self::HelpdeskEmail => "helpdesk_email",
            Self::Mode => "mode",
            Self::Phone => "phone",
        }
    }

    /// A secret: its value is never printed.
    pub fn is_secret(self) -> bool {
        self == Self::OrgToken
    }

    fn of_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|property| property.key() == key)
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.msi_name())
    }
}

/// The values an installer was given, trimmed; blank ones are left out (not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given {
    values: Vec<(Property, String)>,
}

impl Given {
    /// Keeps the values that are not blank, trimmed (a token pasted with a newline still works).
    pub fn new(pairs: impl IntoIterator<Item = (Property, Option<String>)>) -> Self {
        let mut values: Vec<(Property, String)> = pairs
            .into_iter()
            .filter_map(|(property, value)| {
                let value = value?.trim().to_owned();
                (!value.is_empty()).then_some((property, value))
            })
            .collect();
        values.sort_by_key(|(property, _)| *property);
        values.dedup_by_key(|(property, _)| *property);
        Self { values }
    }

    /// The given value of `property`, if any.
    pub fn get(&self, property: Property) -> Option<&str> {
        self.values
            .iter()
            .find(|(p, _)| *p == property)
            .map(|(_, v)| v.as_str())
    }

    /// The properties given, in [`Property::ALL`] order.
    pub fn properties(&self) -> impl Iterator<Item = Property> + '_ {
        self.values.iter().map(|(property, _)| *property)
    }
}

/// What to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The file's new text.
    pub text: String,
    /// The same, as the agent reads it.
    pub file: AgentConfigFile,
    /// The properties that set a key, in [`Property::ALL`] order.
    pub set: Vec<Property>,
    /// Problems the given values did not cause; reported, not fatal.
    pub warnings: Vec<Problem>,
}

/// Why nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallError {
    /// The file already there cannot be trusted.
    #[error("{0} (fix or remove the file, then install again)")]
    Existing(ConfigError),
    /// `MODE` is not one of the modes.
    #[error("MODE={value:?}: not a mode; use api, smtp or mailclient")]
    BadMode { value: String },
    /// A given value the agent would reject.
    #[error("{property}={shown}: {reason}")]
    BadValue {
        property: Property,
        /// The value as given, quoted; hidden for secrets.
        shown: String,
        reason: String,
    },
}

/// The header of a file the installer creates.
const NEW_FILE_HEADER: &str = "\
# ppdesk agent: machine-wide settings, written by the installer (ppdesk-agent install-config).
# Keys here win over each user's own file. The installer sets server_url, org_token,
# helpdesk_email, mode and phone; keys you add by hand are kept across upgrades.
";

/// Merges `given` into the file at `path` whose current text is `existing` (None: no file
/// yet). See the module docs for the rule. Every refusal is returned, not only the first.
pub fn plan(path: &Path, existing: Option<&str>, given: &Given) -> Result<Plan, Vec<InstallError>> {
    let mut errors = Vec::new();
    if let Some(value) = given.get(Property::Mode)
        && Mode::parse(value).is_none()
    {
        errors.push(InstallError::BadMode {
            value: value.to_owned(),
        });
    }
    let mut document = match existing {
        Some(text) => {
            // The agent's own reading first: it names the line and the key of what is wrong.
            if let Err(error) = file::parse(path, text) {
                errors.push(InstallError::Existing(error));
                return Err(errors);
            }
            match text.parse::<DocumentMut>() {
                Ok(document) => document,
                Err(error) => {
                    errors.push(InstallError::Existing(ConfigError::Syntax {
                        path: path.to_owned(),
                        line: None,
                        column: None,
                        message: error.message().to_owned(),
                    }));
                    return Err(errors);
                }
            }
        }
        None => NEW_FILE_HEADER
            .parse::<DocumentMut>()
            .unwrap_or_else(|_| DocumentMut::new()),
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    // A file of comments only (the header, the .deb's commented template): toml_edit keeps
    // them after the last key, so they are moved above the first key set below.
    let comments_only = document.as_table().is_empty();
    let mut set = Vec::new();
    for property in Property::ALL {
        let Some(value) = given.get(property) else {
            continue;
        };
        let value = match property {
            // The canonical spelling: `MODE=MailClient` is written as "mailclient".
            Property::Mode => Mode::parse(value).map_or(value, |mode| mode.as_str()),
            _ => value,
        };
        set_keeping_decor(&mut document, property.key(), value);
        set.push(property);
    }
    if comments_only && let Some(first) = set.first() {
        let comments = document.trailing().as_str().unwrap_or_default().to_owned();
        if let Some(mut key) = document.as_table_mut().key_mut(first.key()) {
            key.leaf_decor_mut().set_prefix(comments);
            document.set_trailing("");
        }
    }
    let text = document.to_string();

    // Judge the result as the agent will read it.
    let parsed = match file::parse(path, &text) {
        Ok(parsed) => parsed,
        Err(error) => return Err(vec![InstallError::Existing(error)]),
    };
    let source = Source::Machine(path.to_owned());
    let merged = layering::merge(&[Layer {
        source: source.clone(),
        file: parsed.file.clone(),
    }]);
    let line_of = |from: &Source, key: &str| {
        (*from == source)
            .then(|| parsed.lines.get(key).copied())
            .flatten()
    };
    let mut warnings = Vec::new();
    for problem in validate::validate(&merged, &line_of) {
        let caused_by = Property::of_key(&problem.key)
            .filter(|property| set.contains(property))
            .filter(|_| !matches!(problem.kind, ProblemKind::ModeNeeds { .. }));
        match caused_by {
            Some(property) => errors.push(InstallError::BadValue {
                property,
                shown: if property.is_secret() {
                    "(hidden)".to_owned()
                } else {
                    format!("{:?}", given.get(property).unwrap_or_default())
                },
                reason: catalog::doctor::problem_reason(Language::En, &problem.kind),
            }),
            None => warnings.push(problem),
        }
    }
    if errors.is_empty() {
        Ok(Plan {
            text,
            file: parsed.file,
            set,
            warnings,
        })
    } else {
        Err(errors)
    }
}

/// Sets a top-level string key; when the key is already there its comments and spacing stay.
fn set_keeping_decor(document: &mut DocumentMut, key: &str, value: &str) {
    let mut new_value = toml_edit::Value::from(value);
    if let Some(old) = document.get(key).and_then(toml_edit::Item::as_value) {
        *new_value.decor_mut() = old.decor().clone();
    }
    document[key] = toml_edit::Item::Value(new_value);
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn path() -> PathBuf {
        PathBuf::from(r"C:\ProgramData\ppdesk\agent\config.toml")
    }

    fn given(pairs: &[(Property, &str)]) -> Given {
        Given::new(
            pairs
                .iter()
                .map(|(property, value)| (*property, Some((*value).to_owned()))),
        )
    }

    fn read(text: &str) -> ppdesk_shared::agent_config::AgentConfigFile {
        file::parse(&path(), text)
            .expect("the written file reads back")
            .file
    }

    #[test]
    fn a_first_install_writes_every_given_value_under_a_header() {
        let plan = plan(
            &path(),
            None,
            &given(&[
                (Property::ServerUrl, " https://helpdesk.example.it "),
                (Property::OrgToken, "ppd_abc\n"),
                (Property::HelpdeskEmail, "assistenza@example.it"),
                (Property::Mode, "API"),
                (Property::Phone, "+39 02 1234567"),
            ]),
        )
        .expect("valid values");
        assert!(plan.text.starts_with("# ppdesk agent:"), "{}", plan.text);
        assert!(
            plan.text.ends_with("phone = \"+39 02 1234567\"\n"),
            "the header stays on top: {}",
            plan.text
        );
        assert_eq!(plan.set, Property::ALL);
        assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
        let file = read(&plan.text);
        assert_eq!(
            file.server_url.as_deref(),
            Some("https://helpdesk.example.it")
        );
        assert_eq!(file.org_token.as_deref(), Some("ppd_abc"));
        assert_eq!(
            file.helpdesk_email.as_deref(),
            Some("assistenza@example.it")
        );
        assert_eq!(file.mode, Some(Mode::Api));
        assert_eq!(file.phone.as_deref(), Some("+39 02 1234567"));
        assert!(plan.text.contains("mode = \"api\""), "{}", plan.text);
    }

    #[test]
    fn values_not_given_keep_what_the_file_says_and_hand_edits_stay() {
        let existing = "# set by the admin\nserver_url = \"https://old.example.it\" # old\norg_token = \"ppd_secret\"\n\n[contact]\nemail = \"reception@acme.it\"\n";
        let plan = plan(
            &path(),
            Some(existing),
            &given(&[
                (Property::ServerUrl, "https://new.example.it"),
                (Property::OrgToken, "   "),
                (Property::Phone, ""),
            ]),
        )
        .expect("valid");
        assert_eq!(plan.set, [Property::ServerUrl]);
        let file = read(&plan.text);
        assert_eq!(file.server_url.as_deref(), Some("https://new.example.it"));
        assert_eq!(file.org_token.as_deref(), Some("ppd_secret"), "blank keeps");
        assert_eq!(file.phone, None);
        assert_eq!(file.contact.email.as_deref(), Some("reception@acme.it"));
        assert!(
            plan.text.starts_with("# set by the admin\n"),
            "{}",
            plan.text
        );
        assert!(
            plan.text.contains("\"https://new.example.it\" # old"),
            "{}",
            plan.text
        );
    }

    #[test]
    fn new_keys_go_above_the_sections() {
        let plan = plan(
            &path(),
            Some("mode = \"smtp\"\n[smtp]\nhost = \"mail.acme.it\"\n"),
            &given(&[(Property::HelpdeskEmail, "help@example.it")]),
        )
        .expect("valid");
        let file = read(&plan.text);
        assert_eq!(file.helpdesk_email.as_deref(), Some("help@example.it"));
        assert_eq!(file.smtp.host.as_deref(), Some("mail.acme.it"));
    }

    #[test]
    fn nothing_given_and_no_file_writes_only_the_header() {
        let plan = plan(&path(), None, &Given::default()).expect("nothing to refuse");
        assert!(plan.set.is_empty());
        assert_eq!(read(&plan.text), Default::default());
        // The default mode (api) needs a server and a token: said, not fatal.
        assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
    }

    #[test]
    fn a_bad_mode_is_refused_by_name_and_nothing_else_matters() {
        let errors =
            plan(&path(), None, &given(&[(Property::Mode, "fax")])).expect_err("fax is no mode");
        assert_eq!(
            errors,
            [InstallError::BadMode {
                value: "fax".into()
            }]
        );
        assert_eq!(
            errors[0].to_string(),
            "MODE=\"fax\": not a mode; use api, smtp or mailclient"
        );
    }

    #[test]
    fn every_bad_given_value_is_refused_at_once_naming_its_property() {
        let errors = plan(
            &path(),
            None,
            &given(&[
                (Property::ServerUrl, "helpdesk.example.it"),
                (Property::HelpdeskEmail, "not-an-address"),
                (Property::OrgToken, "ppd_x"),
            ]),
        )
        .expect_err("two bad values");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("SERVER_URL=\"helpdesk.example.it\": "),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("HELPDESK_EMAIL=\"not-an-address\": "),
            "{shown:?}"
        );
    }

    #[test]
    fn a_mode_missing_a_key_is_a_warning_not_a_refusal() {
        let plan = plan(
            &path(),
            None,
            &given(&[
                (Property::Mode, "api"),
                (Property::ServerUrl, "https://h.example.it"),
            ]),
        )
        .expect("the token may come from elsewhere");
        assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
        assert!(matches!(
            plan.warnings[0].kind,
            ProblemKind::ModeNeeds {
                missing: "org_token",
                ..
            }
        ));
    }

    #[test]
    fn a_problem_already_in_the_file_is_a_warning_with_its_line() {
        let plan = plan(
            &path(),
            Some("phone = \"1\"\n[smtp]\nport = 0\n"),
            &given(&[
                (Property::ServerUrl, "https://h.example.it"),
                (Property::OrgToken, "ppd_x"),
            ]),
        )
        .expect("not the installer's doing");
        let shown: Vec<String> = plan.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].contains("config.toml:"), "{shown:?}");
        assert!(shown[0].contains("smtp.port"), "{shown:?}");
    }

    #[test]
    fn an_untrusted_file_is_never_overwritten() {
        let errors = plan(
            &path(),
            Some("server_ulr = \"https://x.it\"\n"),
            &given(&[(Property::ServerUrl, "https://h.example.it")]),
        )
        .expect_err("unknown key");
        assert!(
            matches!(errors[..], [InstallError::Existing(_)]),
            "{errors:?}"
        );
        let shown = errors[0].to_string();
        assert!(shown.contains(":1: server_ulr"), "{shown}");
    }
}
