//! Where the agent keeps its files and looks for its config.
//!
//! | what | Linux | Windows |
//! | --- | --- | --- |
//! | data (outbox) | `~/.local/share/ppdesk-agent` | `%LOCALAPPDATA%\ppdesk\ppdesk-agent\data` |
//! | runtime (socket, captures) | `$XDG_RUNTIME_DIR/ppdesk-agent`, else `<data>/run` | `<data>\run` |
//! | machine-wide config | `/etc/ppdesk/agent.toml` | `%ProgramData%\ppdesk\agent\config.toml` |
//! | per-user config | `~/.config/ppdesk-agent/agent.toml` | `%APPDATA%\ppdesk\ppdesk-agent\config\agent.toml` |
//!
//! `PPDESK_AGENT_DATA_DIR` moves the data (and then also the runtime folder, so that two test
//! agents never share a socket); `PPDESK_AGENT_MACHINE_CONFIG` / `PPDESK_AGENT_USER_CONFIG`
//! move the config files.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// Environment variable that moves the per-user data folder.
pub const ENV_DATA_DIR: &str = "PPDESK_AGENT_DATA_DIR";
/// Environment variable that moves the machine-wide config file.
pub const ENV_MACHINE_CONFIG: &str = "PPDESK_AGENT_MACHINE_CONFIG";
/// Environment variable that moves the per-user config file.
pub const ENV_USER_CONFIG: &str = "PPDESK_AGENT_USER_CONFIG";

/// Name of the per-user config file inside the user's config folder.
pub const USER_CONFIG_FILE_NAME: &str = "agent.toml";

/// The agent's directories for the current user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPaths {
    /// Per-user data: the outbox lives in `data_dir/outbox`.
    pub data_dir: PathBuf,
    run_dir: PathBuf,
}

impl AgentPaths {
    /// Everything under `data_dir`, the runtime folder included (tests, portable setups).
    pub fn at(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        let run_dir = data_dir.join("run");
        Self { data_dir, run_dir }
    }

    /// `PPDESK_AGENT_DATA_DIR` if set, else the platform's per-user data directory; None when
    /// the user has no home folder.
    pub fn for_current_user() -> Option<Self> {
        Self::from_env(&|name| std::env::var_os(name))
    }

    /// [`Self::for_current_user`] with the environment given.
    pub fn from_env(env: &dyn Fn(&str) -> Option<OsString>) -> Option<Self> {
        if let Some(dir) = env(ENV_DATA_DIR).filter(|d| !d.is_empty()) {
            return Some(Self::at(dir));
        }
        let data_dir = project_dirs()?.data_local_dir().to_owned();
        let run_dir = platform_runtime_dir(env).unwrap_or_else(|| data_dir.join("run"));
        Some(Self { data_dir, run_dir })
    }

    /// The outbox directory.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Short-lived files: the single-instance socket and screen captures on their way to the
    /// compose window. Not created by this call; see [`Self::ensure_runtime_dir`].
    pub fn runtime_dir(&self) -> PathBuf {
        self.run_dir.clone()
    }

    /// Creates the runtime folder if needed, readable by this user only (Unix), and returns it.
    pub fn ensure_runtime_dir(&self) -> io::Result<PathBuf> {
        create_private_dir(&self.run_dir)?;
        Ok(self.run_dir.clone())
    }
}

/// `$XDG_RUNTIME_DIR/ppdesk-agent` on Linux when the session has one (a tmpfs, per user,
/// cleaned at logout); elsewhere None (the data folder's `run` is used).
fn platform_runtime_dir(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if cfg!(target_os = "linux") {
        let base = PathBuf::from(env("XDG_RUNTIME_DIR")?);
        base.is_absolute().then(|| base.join("ppdesk-agent"))
    } else {
        None
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("it", "ppdesk", "ppdesk-agent")
}

/// The machine-wide config file: `PPDESK_AGENT_MACHINE_CONFIG`, else the platform's place.
pub fn machine_config_file() -> PathBuf {
    machine_config_file_from(&|name| std::env::var_os(name))
}

/// [`machine_config_file`] with the environment given.
pub fn machine_config_file_from(env: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    if let Some(path) = env(ENV_MACHINE_CONFIG).filter(|p| !p.is_empty()) {
        return path.into();
    }
    platform_machine_config(env)
}

#[cfg(windows)]
fn platform_machine_config(env: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    let base = env("ProgramData")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from);
    base.join("ppdesk").join("agent").join("config.toml")
}

#[cfg(not(windows))]
fn platform_machine_config(_env: &dyn Fn(&str) -> Option<OsString>) -> PathBuf {
    PathBuf::from("/etc/ppdesk/agent.toml")
}

/// The per-user config file: `PPDESK_AGENT_USER_CONFIG`, else `agent.toml` in the platform's
/// per-user config folder; None when the user has no home folder.
pub fn user_config_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_USER_CONFIG).filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    project_dirs().map(|dirs| dirs.config_dir().join(USER_CONFIG_FILE_NAME))
}

/// Creates `dir` and its parents; on Unix the last folder is made `0700`, since captures of
/// the user's screen pass through it.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
            Err(error) => Err(error),
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn a_data_dir_override_moves_everything_including_the_runtime_folder() {
        let paths = AgentPaths::from_env(&env_of(&[
            (ENV_DATA_DIR, "/tmp/agent-a"),
            ("XDG_RUNTIME_DIR", "/run/user/1000"),
        ]))
        .expect("paths");
        assert_eq!(paths.data_dir, PathBuf::from("/tmp/agent-a"));
        assert_eq!(paths.outbox_dir(), PathBuf::from("/tmp/agent-a/outbox"));
        assert_eq!(paths.runtime_dir(), PathBuf::from("/tmp/agent-a/run"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn on_linux_the_runtime_folder_is_in_the_session_runtime_dir_when_there_is_one() {
        let with = AgentPaths::from_env(&env_of(&[("XDG_RUNTIME_DIR", "/run/user/1000")]));
        // No home folder in some sandboxes: then there are no paths at all, which is fine.
        if let Some(paths) = with {
            assert_eq!(
                paths.runtime_dir(),
                PathBuf::from("/run/user/1000/ppdesk-agent")
            );
        }
        let relative = AgentPaths::from_env(&env_of(&[("XDG_RUNTIME_DIR", "run")]));
        if let Some(paths) = relative {
            assert_eq!(paths.runtime_dir(), paths.data_dir.join("run"));
        }
    }

    #[test]
    fn the_machine_config_can_be_moved() {
        assert_eq!(
            machine_config_file_from(&env_of(&[(ENV_MACHINE_CONFIG, "/srv/agent.toml")])),
            PathBuf::from("/srv/agent.toml")
        );
        let default = machine_config_file_from(&env_of(&[]));
        if cfg!(windows) {
            assert_eq!(
                default,
                PathBuf::from(r"C:\ProgramData\ppdesk\agent\config.toml")
            );
        } else {
            assert_eq!(default, PathBuf::from("/etc/ppdesk/agent.toml"));
        }
    }

    #[cfg(windows)]
    #[test]
    fn on_windows_the_machine_config_follows_programdata() {
        assert_eq!(
            machine_config_file_from(&env_of(&[("ProgramData", r"D:\PD")])),
            PathBuf::from(r"D:\PD\ppdesk\agent\config.toml")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_runtime_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = AgentPaths::at(dir.path().join("data"));
        let run = paths.ensure_runtime_dir().expect("created");
        let mode = std::fs::metadata(&run)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        paths.ensure_runtime_dir().expect("a second call is fine");
    }
}
