//! Which key wins: the layering rule, as a plain function over config-file values.
//!
//! Highest first:
//! 1. the environment (`PPDESK_SERVER_URL`, `PPDESK_ORG_TOKEN`, `PPDESK_MODE`), for scripted
//!    deployments and tests;
//! 2. with `--config FILE`: that file alone (the machine-wide and per-user files are not read);
//!    otherwise the machine-wide file written by the installer — an administrator's keys win —
//! 3. then the per-user file;
//! 4. then the built-in defaults.
//!
//! Layers are merged key by key, inside sections too: a per-user `[smtp] username` survives
//! next to a machine-wide `[smtp] host`. A list (`categories`) is one value: the winning layer's
//! list replaces the others whole.

use std::collections::BTreeMap;

use ppdesk_shared::agent_config::{AgentConfigFile, Mode};

use super::{ConfigError, Source};

/// Every key of the config file, as a dotted path; the provenance map has exactly these.
pub const KEYS: [&str; 15] = [
    "mode",
    "server_url",
    "org_token",
    "helpdesk_email",
    "phone",
    "language",
    "categories",
    "contact.name",
    "contact.email",
    "capture.all_monitors",
    "smtp.host",
    "smtp.port",
    "smtp.security",
    "smtp.username",
    "smtp.password",
];

/// Environment variable that overrides `server_url`.
pub const ENV_SERVER_URL: &str = "PPDESK_SERVER_URL";
/// Environment variable that overrides `org_token`.
pub const ENV_ORG_TOKEN: &str = "PPDESK_ORG_TOKEN";
/// Environment variable that overrides `mode`.
pub const ENV_MODE: &str = "PPDESK_MODE";

/// Where each effective key came from, by dotted path (see [`KEYS`]).
pub type Provenance = BTreeMap<&'static str, Source>;

/// One source of keys: a file, or one environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub source: Source,
    pub file: AgentConfigFile,
}

/// The layers, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// The effective keys (still unresolved: `None` where no layer sets a key).
    pub file: AgentConfigFile,
    /// Where each key came from; [`Source::Default`] where no layer sets it.
    pub provenance: Provenance,
}

/// Puts the layers in priority order, highest first (see the module docs).
pub fn ordered(
    env: Vec<Layer>,
    explicit: Option<Layer>,
    machine: Option<Layer>,
    user: Option<Layer>,
) -> Vec<Layer> {
    let files = match explicit {
        Some(explicit) => vec![explicit],
        None => machine.into_iter().chain(user).collect(),
    };
    env.into_iter().chain(files).collect()
}

/// Merges `layers` (highest priority first) key by key: each key takes the value of the first
/// layer that sets it.
pub fn merge(layers: &[Layer]) -> Merged {
    let mut file = AgentConfigFile::default();
    let mut provenance = Provenance::new();
    macro_rules! take {
        ($key:literal, $($field:ident).+) => {{
            match layers.iter().find(|layer| layer.file.$($field).+.is_some()) {
                Some(layer) => {
                    file.$($field).+ = layer.file.$($field).+.clone();
                    provenance.insert($key, layer.source.clone());
                }
                None => {
                    provenance.insert($key, Source::Default);
                }
            }
        }};
    }
    take!("mode", mode);
    take!("server_url", server_url);
    take!("org_token", org_token);
    take!("helpdesk_email", helpdesk_email);
    take!("phone", phone);
    take!("language", language);
    take!("categories", categories);
    take!("contact.name", contact.name);
    take!("contact.email", contact.email);
    take!("capture.all_monitors", capture.all_monitors);
    take!("smtp.host", smtp.host);
    take!("smtp.port", smtp.port);
    take!("smtp.security", smtp.security);
    take!("smtp.username", smtp.username);
    take!("smtp.password", smtp.password);
    Merged { file, provenance }
}

/// The environment overrides as layers, one per variable that is set and not blank (an empty
/// variable counts as unset, as shells make it easy to export one by accident).
/// `PPDESK_MODE` must name a mode; anything else is an error naming the variable.
pub fn env_layers(
    lookup: &dyn Fn(&'static str) -> Option<String>,
) -> (Vec<Layer>, Vec<ConfigError>) {
    let mut layers = Vec::new();
    let mut errors = Vec::new();
    let set = |var: &'static str| lookup(var).filter(|value| !value.trim().is_empty());
    if let Some(value) = set(ENV_MODE) {
        match Mode::parse(&value) {
            Some(mode) => layers.push(Layer {
                source: Source::Env(ENV_MODE),
                file: AgentConfigFile {
                    mode: Some(mode),
                    ..AgentConfigFile::default()
                },
            }),
            None => errors.push(ConfigError::Env {
                var: ENV_MODE,
                value,
                message: "not one of api, smtp, mailclient".into(),
            }),
        }
    }
    if let Some(value) = set(ENV_SERVER_URL) {
        layers.push(Layer {
            source: Source::Env(ENV_SERVER_URL),
            file: AgentConfigFile {
                server_url: Some(value),
                ..AgentConfigFile::default()
            },
        });
    }
    if let Some(value) = set(ENV_ORG_TOKEN) {
        layers.push(Layer {
            source: Source::Env(ENV_ORG_TOKEN),
            file: AgentConfigFile {
                org_token: Some(value),
                ..AgentConfigFile::default()
            },
        });
    }
    (layers, errors)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use ppdesk_shared::agent_config::{ContactFile, SmtpFile, SmtpSecurity};

    use super::*;

    fn machine_src() -> Source {
        Source::Machine(PathBuf::from("/etc/ppdesk/agent.toml"))
    }

    fn user_src() -> Source {
        Source::User(PathBuf::from("/home/mario/.config/ppdesk-agent/agent.toml"))
    }

    fn layer(source: Source, text: &str) -> Layer {
        Layer {
            source,
            file: toml::from_str(text).expect("test file parses"),
        }
    }

    fn env(
        pairs: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&'static str) -> Option<String> {
        move |var| {
            pairs
                .iter()
                .find(|(name, _)| *name == var)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn machine_wide_keys_beat_per_user_keys() {
        let machine = layer(
            machine_src(),
            "server_url = \"https://admin.example.it\"\nmode = \"api\"\n",
        );
        let user = layer(
            user_src(),
            "server_url = \"https://mine.example.it\"\nmode = \"smtp\"\nphone = \"123\"\n",
        );
        let merged = merge(&ordered(vec![], None, Some(machine), Some(user)));
        assert_eq!(
            merged.file.server_url.as_deref(),
            Some("https://admin.example.it")
        );
        assert_eq!(merged.file.mode, Some(Mode::Api));
        assert_eq!(merged.provenance["server_url"], machine_src());
        assert_eq!(merged.provenance["mode"], machine_src());
        // A key only the user sets is kept.
        assert_eq!(merged.file.phone.as_deref(), Some("123"));
        assert_eq!(merged.provenance["phone"], user_src());
    }

    #[test]
    fn sections_merge_key_by_key() {
        let machine = layer(
            machine_src(),
            "[smtp]\nhost = \"mail.example.it\"\nport = 465\n",
        );
        let user = layer(
            user_src(),
            "[smtp]\nport = 25\nusername = \"mario\"\npassword = \"s3cret\"\n[contact]\nemail = \"mario@acme.it\"\n",
        );
        let merged = merge(&ordered(vec![], None, Some(machine), Some(user)));
        assert_eq!(
            merged.file.smtp,
            SmtpFile {
                host: Some("mail.example.it".into()),
                port: Some(465),
                security: None,
                username: Some("mario".into()),
                password: Some("s3cret".into()),
            }
        );
        assert_eq!(merged.provenance["smtp.host"], machine_src());
        assert_eq!(merged.provenance["smtp.port"], machine_src());
        assert_eq!(merged.provenance["smtp.username"], user_src());
        assert_eq!(merged.provenance["smtp.security"], Source::Default);
        assert_eq!(
            merged.file.contact,
            ContactFile {
                name: None,
                email: Some("mario@acme.it".into())
            }
        );
    }

    #[test]
    fn lists_are_replaced_whole_not_concatenated() {
        let machine = layer(machine_src(), "categories = [\"Gestionale\"]\n");
        let user = layer(user_src(), "categories = [\"Stampanti\", \"Rete\"]\n");
        let merged = merge(&ordered(vec![], None, Some(machine), Some(user)));
        assert_eq!(merged.file.categories, Some(vec!["Gestionale".to_owned()]));
    }

    #[test]
    fn the_environment_beats_every_file() {
        let (env, errors) = env_layers(&env(&[
            (ENV_SERVER_URL, "https://env.example.it"),
            (ENV_ORG_TOKEN, "ppd_env"),
            (ENV_MODE, "SMTP"),
        ]));
        assert!(errors.is_empty(), "{errors:?}");
        let machine = layer(
            machine_src(),
            "server_url = \"https://admin.example.it\"\norg_token = \"ppd_admin\"\nmode = \"api\"\nhelpdesk_email = \"help@example.it\"\n",
        );
        let merged = merge(&ordered(env, None, Some(machine), None));
        assert_eq!(
            merged.file.server_url.as_deref(),
            Some("https://env.example.it")
        );
        assert_eq!(merged.file.org_token.as_deref(), Some("ppd_env"));
        assert_eq!(merged.file.mode, Some(Mode::Smtp));
        assert_eq!(merged.provenance["server_url"], Source::Env(ENV_SERVER_URL));
        assert_eq!(merged.provenance["org_token"], Source::Env(ENV_ORG_TOKEN));
        assert_eq!(merged.provenance["mode"], Source::Env(ENV_MODE));
        assert_eq!(merged.provenance["helpdesk_email"], machine_src());
    }

    #[test]
    fn blank_environment_variables_count_as_unset() {
        let (env, errors) = env_layers(&env(&[(ENV_SERVER_URL, ""), (ENV_MODE, "  ")]));
        assert!(env.is_empty() && errors.is_empty());
    }

    #[test]
    fn an_unknown_mode_in_the_environment_is_an_error_naming_the_variable() {
        let (env, errors) = env_layers(&env(&[(ENV_MODE, "fax")]));
        assert!(env.is_empty());
        assert_eq!(errors.len(), 1);
        let shown = errors[0].to_string();
        assert!(shown.starts_with("PPDESK_MODE: \"fax\""), "{shown}");
    }

    #[test]
    fn an_explicit_file_replaces_both_files_but_not_the_environment() {
        let explicit_source = Source::Explicit(PathBuf::from("/tmp/test.toml"));
        let explicit = layer(
            explicit_source.clone(),
            "mode = \"mailclient\"\nhelpdesk_email = \"help@example.it\"\n",
        );
        let machine = layer(machine_src(), "mode = \"api\"\nphone = \"02 1234\"\n");
        let user = layer(user_src(), "language = \"en\"\n");
        let (env, _) = env_layers(&env(&[(ENV_ORG_TOKEN, "ppd_env")]));
        let merged = merge(&ordered(env, Some(explicit), Some(machine), Some(user)));
        assert_eq!(merged.file.mode, Some(Mode::MailClient));
        assert_eq!(merged.provenance["mode"], explicit_source);
        assert_eq!(merged.file.phone, None, "the machine-wide file is not read");
        assert_eq!(merged.file.language, None, "the per-user file is not read");
        assert_eq!(merged.provenance["language"], Source::Default);
        assert_eq!(merged.provenance["org_token"], Source::Env(ENV_ORG_TOKEN));
    }

    #[test]
    fn every_key_has_a_provenance_and_nothing_set_means_defaults() {
        let merged = merge(&[]);
        assert_eq!(merged.file, AgentConfigFile::default());
        assert_eq!(merged.provenance.len(), KEYS.len());
        for key in KEYS {
            assert_eq!(merged.provenance.get(key), Some(&Source::Default), "{key}");
        }
        // And a layer that sets everything is reflected key by key.
        let full = layer(
            user_src(),
            "mode = \"smtp\"\nserver_url = \"https://x.it\"\norg_token = \"t\"\nhelpdesk_email = \"h@x.it\"\nphone = \"1\"\nlanguage = \"en\"\ncategories = [\"A\"]\n[contact]\nname = \"N\"\nemail = \"n@x.it\"\n[capture]\nall_monitors = true\n[smtp]\nhost = \"h\"\nport = 2\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\"\n",
        );
        let merged = merge(std::slice::from_ref(&full));
        assert_eq!(merged.file, full.file);
        assert_eq!(merged.file.smtp.security, Some(SmtpSecurity::None));
        for key in KEYS {
            assert_eq!(merged.provenance.get(key), Some(&user_src()), "{key}");
        }
    }
}
