//! Loading the agent's configuration: machine-wide file, per-user file, `--config`, environment.
//!
//! - The machine-wide file is written by the installer (Linux `/etc/ppdesk/agent.toml`,
//!   Windows `%ProgramData%\ppdesk\agent\config.toml`); the per-user file lives in the user's
//!   config folder (`~/.config/ppdesk-agent/agent.toml`, `%APPDATA%\ppdesk\ppdesk-agent\config\agent.toml`).
//!   `PPDESK_AGENT_MACHINE_CONFIG` / `PPDESK_AGENT_USER_CONFIG` point elsewhere. See
//!   [`crate::paths`].
//! - Which key wins is decided by [`layering`]: environment, then the machine-wide file
//!   (an administrator's keys win), then the per-user file, then defaults; `--config FILE`
//!   replaces both files.
//! - A file that does not exist is fine (a fresh install may have none). A file that exists but
//!   cannot be read, is not valid TOML, has an unknown key or a value of the wrong kind is a
//!   [`ConfigError`]: [`load`] refuses to run on a config it cannot trust, and names the file,
//!   the line and the key. `--config FILE` naming a missing file is an error too.
//! - Problems with the values themselves (a URL that is not http(s), a mode without the keys it
//!   needs, a malformed address) are returned in [`Loaded::problems`], each with its place:
//!   the tray still starts (tickets wait in the outbox until the config is fixed), the compose
//!   window and `doctor` show them.

pub mod file;
pub mod install;
pub mod layering;
pub mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use layering::Provenance;
pub use ppdesk_shared::agent_config::{AgentConfig, AgentConfigFile, Language, Mode, SmtpSettings};
pub use validate::{Problem, ProblemKind};

use layering::{Layer, Merged};

/// Where an effective key came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// The machine-wide file (the installer's; an administrator's keys win).
    Machine(PathBuf),
    /// The per-user file.
    User(PathBuf),
    /// The file given with `--config`.
    Explicit(PathBuf),
    /// An environment variable.
    Env(&'static str),
    /// Nothing sets it: the built-in default.
    Default,
}

impl Source {
    /// The file, for the file sources.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Machine(path) | Self::User(path) | Self::Explicit(path) => Some(path),
            Self::Env(_) | Self::Default => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Machine(path) | Self::User(path) | Self::Explicit(path) => {
                write!(f, "{}", path.display())
            }
            Self::Env(var) => f.write_str(var),
            Self::Default => f.write_str("built-in default"),
        }
    }
}

/// A source plus, for files, the line: what `FILE:LINE` in a message points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub source: Source,
    pub line: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) if self.source.path().is_some() => write!(f, "{}:{line}", self.source),
            _ => write!(f, "{}", self.source),
        }
    }
}

/// A config the agent cannot trust; says what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read as text.
    #[error("{}: cannot read: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// `--config FILE` names a file that does not exist.
    #[error("{}: no such file (given with --config)", path.display())]
    Missing { path: PathBuf },
    /// Not valid TOML.
    #[error("{}: {message}", at(path, *line, *column))]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// Valid TOML, but an unknown key or a value of the wrong kind.
    #[error("{}: {}{message}", at(path, *line, None), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        key: Option<String>,
        message: String,
    },
    /// An environment override that cannot be used.
    #[error("{var}: {value:?} is {message}")]
    Env {
        var: &'static str,
        value: String,
        message: String,
    },
}

impl ConfigError {
    /// The file at fault, if a file is.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Unreadable { path, .. }
            | Self::Missing { path }
            | Self::Syntax { path, .. }
            | Self::Invalid { path, .. } => Some(path),
            Self::Env { .. } => None,
        }
    }
}

fn at(path: &Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", path.display()),
        (Some(line), None) => format!("{}:{line}", path.display()),
        _ => path.display().to_string(),
    }
}

/// Whether a config file that was looked for was there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Read and used.
    Found,
    /// Not there (fine for the machine-wide and per-user files).
    Missing,
    /// There, but not usable: see the matching [`ConfigError`].
    Broken,
}

/// One config file that was looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLook {
    /// Which file (its role and path).
    pub source: Source,
    pub state: FileState,
}

/// The effective configuration and how it came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: AgentConfig,
    /// The files read, highest priority first.
    pub files: Vec<PathBuf>,
    /// Every file looked for, found or not, highest priority first.
    pub looked_at: Vec<FileLook>,
    /// Where each effective key came from (keys as in [`layering::KEYS`]).
    pub provenance: Provenance,
    /// For keys that came from a file: the line that sets them there.
    pub lines: BTreeMap<&'static str, usize>,
    /// What is wrong with the values (the agent runs anyway); empty when all is well.
    pub problems: Vec<Problem>,
}

impl Loaded {
    /// Where the effective value of `key` was set (file and line, variable, or default).
    pub fn place(&self, key: &str) -> Place {
        Place {
            source: self.provenance.get(key).cloned().unwrap_or(Source::Default),
            line: self.lines.get(key).copied(),
        }
    }
}

/// Everything [`load`] found, including what stops it: for `doctor`, which reports it all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The config from the usable layers (broken files left out).
    pub loaded: Loaded,
    /// Files or variables that cannot be used; [`load`] fails with the first.
    pub errors: Vec<ConfigError>,
}

/// Where the config files are looked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locations {
    /// `--config FILE`: read instead of both others.
    pub explicit: Option<PathBuf>,
    pub machine: Option<PathBuf>,
    /// None when the user has no home/config folder.
    pub user: Option<PathBuf>,
}

impl Locations {
    /// This machine's locations (see [`crate::paths`]), or only `explicit` when given.
    pub fn current(explicit: Option<&Path>) -> Self {
        match explicit {
            Some(path) => Self {
                explicit: Some(path.to_owned()),
                machine: None,
                user: None,
            },
            None => Self {
                explicit: None,
                machine: Some(crate::paths::machine_config_file()),
                user: crate::paths::user_config_file(),
            },
        }
    }
}

/// Loads the effective config; `explicit` is `--config F`. Fails on a file or variable that
/// cannot be trusted (see the module docs); value problems are in [`Loaded::problems`].
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let inspection = inspect(explicit);
    match inspection.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(inspection.loaded),
    }
}

/// Like [`load`], but never fails: reports every unusable file next to the config made of the
/// usable ones.
pub fn inspect(explicit: Option<&Path>) -> Inspection {
    let lookup =
        |var: &'static str| std::env::var_os(var).map(|value| value.to_string_lossy().into_owned());
    inspect_at(
        &Locations::current(explicit),
        &lookup,
        &crate::facts::default_contact_name(),
    )
}

/// [`inspect`] with the locations, the environment and the OS user's name given (tests,
/// scripted checks).
pub fn inspect_at(
    locations: &Locations,
    env: &dyn Fn(&'static str) -> Option<String>,
    default_contact_name: &str,
) -> Inspection {
    let mut errors = Vec::new();
    let mut looked_at = Vec::new();
    let mut lines: BTreeMap<Source, BTreeMap<String, usize>> = BTreeMap::new();
    let mut read = |source: Source, must_exist: bool| -> Option<Layer> {
        let path = source.path()?.to_owned();
        let outcome = read_file(&path, must_exist);
        let state = match &outcome {
            Ok(Some(_)) => FileState::Found,
            Ok(None) => FileState::Missing,
            Err(_) => FileState::Broken,
        };
        looked_at.push(FileLook {
            source: source.clone(),
            state,
        });
        match outcome {
            Ok(Some(parsed)) => {
                lines.insert(source.clone(), parsed.lines);
                Some(Layer {
                    source,
                    file: parsed.file,
                })
            }
            Ok(None) => None,
            Err(error) => {
                errors.push(error);
                None
            }
        }
    };
    let explicit = locations
        .explicit
        .clone()
        .and_then(|path| read(Source::Explicit(path), true));
    let machine = locations
        .machine
        .clone()
        .and_then(|path| read(Source::Machine(path), false));
    let user = locations
        .user
        .clone()
        .and_then(|path| read(Source::User(path), false));
    let (env_layers, env_errors) = layering::env_layers(env);
    errors.extend(env_errors);

    let files = [&explicit, &machine, &user]
        .into_iter()
        .flatten()
        .filter_map(|layer| layer.source.path().map(Path::to_owned))
        .collect();
    let merged = layering::merge(&layering::ordered(env_layers, explicit, machine, user));
    let line_of =
        |source: &Source, key: &str| lines.get(source).and_then(|keys| keys.get(key)).copied();
    let mut problems = validate::validate(&merged, &line_of);
    if !errors.is_empty() {
        // A key "missing" for the mode may well be in the file that could not be read:
        // fix that file first, then the mode's needs can be judged.
        problems.retain(|problem| !matches!(problem.kind, ProblemKind::ModeNeeds { .. }));
    }
    let key_lines = merged
        .provenance
        .iter()
        .filter_map(|(key, source)| line_of(source, key).map(|line| (*key, line)))
        .collect();
    Inspection {
        loaded: Loaded {
            config: resolve(&merged, default_contact_name),
            files,
            looked_at,
            provenance: merged.provenance,
            lines: key_lines,
            problems,
        },
        errors,
    }
}

/// Reads and parses one file; `Ok(None)` when it does not exist and need not.
fn read_file(path: &Path, must_exist: bool) -> Result<Option<file::ParsedFile>, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return if must_exist {
                Err(ConfigError::Missing {
                    path: path.to_owned(),
                })
            } else {
                Ok(None)
            };
        }
        Err(error) => {
            return Err(ConfigError::Unreadable {
                path: path.to_owned(),
                reason: error.to_string(),
            });
        }
    };
    let text = file::decode(path, &bytes)?;
    file::parse(path, &text).map(Some)
}

/// The settings the agent runs with: the merged keys plus defaults. Text values are trimmed
/// (a token pasted with a newline still works); blank ones count as unset here and are
/// reported by [`validate`].
pub fn resolve(merged: &Merged, default_contact_name: &str) -> AgentConfig {
    let file = &merged.file;
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let categories: Vec<String> = file
        .categories
        .iter()
        .flatten()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    AgentConfig {
        server_url: text(&file.server_url).map(|url| url.trim_end_matches('/').to_owned()),
        org_token: text(&file.org_token),
        mode: file.mode.unwrap_or_default(),
        helpdesk_email: text(&file.helpdesk_email),
        phone: text(&file.phone),
        language: file.language.unwrap_or_default(),
        categories: if categories.is_empty() {
            ppdesk_shared::agent_config::DEFAULT_CATEGORIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect()
        } else {
            categories
        },
        contact_name: text(&file.contact.name).unwrap_or_else(|| default_contact_name.to_owned()),
        contact_email: text(&file.contact.email),
        capture_all_monitors: file.capture.all_monitors.unwrap_or(false),
        smtp: SmtpSettings {
            host: text(&file.smtp.host),
            port: file
                .smtp
                .port
                .unwrap_or_else(|| default_smtp_port(file.smtp.security.unwrap_or_default())),
            security: file.smtp.security.unwrap_or_default(),
            username: text(&file.smtp.username),
            // A password is taken as written: blanks may be part of it.
            password: file.smtp.password.clone().filter(|p| !p.is_empty()),
        },
    }
}

/// The usual port for an SMTP security: 465 for TLS from the first byte, else 587.
pub fn default_smtp_port(security: ppdesk_shared::agent_config::SmtpSecurity) -> u16 {
    match security {
        ppdesk_shared::agent_config::SmtpSecurity::Tls => 465,
        ppdesk_shared::agent_config::SmtpSecurity::Starttls
        | ppdesk_shared::agent_config::SmtpSecurity::None => 587,
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use ppdesk_shared::agent_config::SmtpSecurity;

    use super::*;

    struct Setup {
        dir: tempfile::TempDir,
    }

    impl Setup {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().expect("temp dir"),
            }
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join(name);
            fs::write(&path, text).expect("write");
            path
        }

        fn locations(&self) -> Locations {
            Locations {
                explicit: None,
                machine: Some(self.dir.path().join("machine.toml")),
                user: Some(self.dir.path().join("user.toml")),
            }
        }
    }

    fn no_env(_: &'static str) -> Option<String> {
        None
    }

    #[test]
    fn no_files_at_all_is_fine_and_gives_defaults_with_the_os_name() {
        let setup = Setup::new();
        let inspection = inspect_at(&setup.locations(), &no_env, "Mario Rossi");
        assert!(inspection.errors.is_empty());
        let loaded = inspection.loaded;
        assert!(loaded.files.is_empty());
        assert_eq!(loaded.looked_at.len(), 2);
        assert!(
            loaded
                .looked_at
                .iter()
                .all(|l| l.state == FileState::Missing)
        );
        assert_eq!(loaded.config.mode, Mode::Api);
        assert_eq!(loaded.config.contact_name, "Mario Rossi");
        assert_eq!(loaded.config.contact_email, None);
        assert_eq!(loaded.config.smtp.port, 587);
        assert_eq!(loaded.config.categories.len(), 5);
        // Default api mode without server and token: the problems say so.
        assert_eq!(loaded.problems.len(), 2);
    }

    #[test]
    fn both_files_are_layered_with_provenance_and_lines() {
        let setup = Setup::new();
        let machine = setup.write(
            "machine.toml",
            "server_url = \"https://helpdesk.example.it/\"\norg_token = \"ppd_admin\"\n",
        );
        let user = setup.write(
            "user.toml",
            "server_url = \"https://elsewhere.example.it\"\n[contact]\nname = \"Mario\"\nemail = \"mario@acme.it\"\n[smtp]\nsecurity = \"tls\"\n",
        );
        let inspection = inspect_at(&setup.locations(), &no_env, "OS Name");
        assert!(inspection.errors.is_empty(), "{:?}", inspection.errors);
        let loaded = inspection.loaded;
        assert_eq!(loaded.files, [machine.clone(), user.clone()]);
        assert_eq!(
            loaded.config.server_url.as_deref(),
            Some("https://helpdesk.example.it")
        );
        assert_eq!(loaded.config.contact_name, "Mario");
        assert_eq!(
            loaded.config.contact_email.as_deref(),
            Some("mario@acme.it")
        );
        assert_eq!(loaded.config.smtp.security, SmtpSecurity::Tls);
        assert_eq!(loaded.config.smtp.port, 465);
        assert_eq!(loaded.provenance["server_url"], Source::Machine(machine));
        assert_eq!(
            loaded.provenance["contact.email"],
            Source::User(user.clone())
        );
        assert_eq!(
            loaded.place("contact.email").to_string(),
            format!("{}:4", user.display())
        );
        assert_eq!(loaded.place("language").to_string(), "built-in default");
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    }

    #[test]
    fn a_broken_file_fails_load_with_its_place_but_inspect_keeps_the_rest() {
        let setup = Setup::new();
        setup.write(
            "machine.toml",
            "mode = \"api\"\nserver_url = \"https://x.it\"\norg_token = \"t\"\n",
        );
        let user = setup.write("user.toml", "\n\nlanguage = en\n");
        let inspection = inspect_at(&setup.locations(), &no_env, "N");
        assert_eq!(inspection.errors.len(), 1);
        let shown = inspection.errors[0].to_string();
        assert!(
            shown.starts_with(&format!("{}:3:", user.display())),
            "{shown}"
        );
        assert_eq!(inspection.loaded.looked_at[1].state, FileState::Broken);
        assert_eq!(
            inspection.loaded.config.server_url.as_deref(),
            Some("https://x.it")
        );
    }

    #[test]
    fn with_a_broken_file_the_mode_needs_are_not_judged() {
        let setup = Setup::new();
        setup.write(
            "machine.toml",
            "server_url = \"https://x.it\"\norg_token = [\n",
        );
        setup.write("user.toml", "helpdesk_email = \"nope\"\n");
        let inspection = inspect_at(&setup.locations(), &no_env, "N");
        assert_eq!(inspection.errors.len(), 1);
        let problems: Vec<String> = inspection
            .loaded
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("helpdesk_email: \"nope\""),
            "{problems:?}"
        );
    }

    #[test]
    fn an_explicit_file_is_read_alone_and_must_exist() {
        let setup = Setup::new();
        setup.write("machine.toml", "phone = \"02 1\"\n");
        let explicit = setup.write(
            "mine.toml",
            "mode = \"mailclient\"\nhelpdesk_email = \"h@x.it\"\n",
        );
        let locations = Locations {
            explicit: Some(explicit.clone()),
            ..Locations::default()
        };
        let inspection = inspect_at(&locations, &no_env, "N");
        assert!(inspection.errors.is_empty());
        assert_eq!(inspection.loaded.files, [explicit]);
        assert_eq!(inspection.loaded.config.mode, Mode::MailClient);
        assert_eq!(inspection.loaded.config.phone, None);

        let missing = Locations {
            explicit: Some(setup.dir.path().join("nope.toml")),
            ..Locations::default()
        };
        let inspection = inspect_at(&missing, &no_env, "N");
        assert!(matches!(
            inspection.errors[..],
            [ConfigError::Missing { .. }]
        ));
    }

    #[test]
    fn environment_overrides_are_validated_and_attributed() {
        let setup = Setup::new();
        setup.write(
            "machine.toml",
            "org_token = \"ppd_x\"\nserver_url = \"https://x.it\"\n",
        );
        let env = |var: &'static str| (var == "PPDESK_SERVER_URL").then(|| "htp://nope".to_owned());
        let inspection = inspect_at(&setup.locations(), &env, "N");
        assert!(inspection.errors.is_empty());
        let problems: Vec<String> = inspection
            .loaded
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                r#"environment variable PPDESK_SERVER_URL: server_url: "htp://nope" is not an http(s) URL"#
            ]
        );
    }

    #[test]
    fn a_directory_in_place_of_a_file_is_unreadable_not_missing() {
        let setup = Setup::new();
        fs::create_dir(setup.dir.path().join("machine.toml")).expect("mkdir");
        let inspection = inspect_at(&setup.locations(), &no_env, "N");
        assert!(
            matches!(inspection.errors[..], [ConfigError::Unreadable { .. }]),
            "{:?}",
            inspection.errors
        );
    }

    #[test]
    fn resolve_trims_and_drops_blanks() {
        let merged = Merged {
            file: toml::from_str(
                "server_url = \" https://x.it/ \"\norg_token = \"ppd_t\\n\"\nphone = \"\"\ncategories = [\" Rete \", \"\"]\n[smtp]\npassword = \" pass \"\n",
            )
            .expect("parses"),
            provenance: Provenance::new(),
        };
        let config = resolve(&merged, "N");
        assert_eq!(config.server_url.as_deref(), Some("https://x.it"));
        assert_eq!(config.org_token.as_deref(), Some("ppd_t"));
        assert_eq!(config.phone, None);
        assert_eq!(config.categories, ["Rete"]);
        assert_eq!(config.smtp.password.as_deref(), Some(" pass "));
    }
}
