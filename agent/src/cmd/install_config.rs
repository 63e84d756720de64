//! `ppdesk-agent install-config` (hidden): writes the machine-wide config from the installer's
//! values. The MSI runs it as a deferred custom action (as SYSTEM, no window, no console):
//! `ppdesk-agent.exe install-config --server-url "[SERVER_URL]" --org-token "[ORG_TOKEN]" …`;
//! on Linux an administrator may run it with sudo. It touches no network and exits at once.
//!
//! What is written is decided by [`config::install::plan`]; this edge reads the file, writes the
//! new text atomically (a temporary file renamed over the old one) and sets who may change it:
//! - Windows: the `%ProgramData%\ppdesk\agent` folder and the file get a protected ACL —
//!   SYSTEM and Administrators full control, Users read. Every user's agent must read the
//!   token, so it is readable by local users; what must not happen is a user writing the file
//!   (or creating it before the installer does) and sending everyone's tickets and screenshots
//!   to another server, since the machine-wide file wins over each user's own. The token the
//!   file ends up with is also remembered for the next upgrade in a registry key only SYSTEM
//!   and Administrators can read (see `install_config/windows.rs`).
//! - Unix: `0644`, owned by whoever runs it (root), for the same reasons.
//!
//! `--remove` (the uninstall) deletes the file, and its folders when they are empty (and on
//! Windows the remembered token).
//! Exit codes: 0 written (warnings on stderr), 1 refused (every reason on stderr, nothing
//! written).

#[cfg(windows)]
mod windows;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use ppdesk_agent::config::file;
use ppdesk_agent::config::install::{self, Given, Property};
use ppdesk_agent::paths;
use ppdesk_shared::agent_config::Language;

/// The installer's values; a blank one is "not given" (the file keeps its key).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// SERVER_URL: the ppdesk server's address.
    #[arg(long, value_name = "URL")]
    server_url: Option<String>,
    /// ORG_TOKEN: the organisation's API token (never printed).
    #[arg(long, value_name = "TOKEN")]
    org_token: Option<String>,
    /// HELPDESK_EMAIL: the helpdesk address (smtp and mailclient modes).
    #[arg(long, value_name = "ADDRESS")]
    helpdesk_email: Option<String>,
    /// MODE: api, smtp or mailclient.
    #[arg(long, value_name = "MODE")]
    mode: Option<String>,
    /// PHONE: the phone support number shown in the menu.
    #[arg(long, value_name = "NUMBER")]
    phone: Option<String>,
    /// The file to write instead of the machine-wide config.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Remove the file (uninstall) instead of writing it.
    #[arg(long, conflicts_with_all = ["server_url", "org_token", "helpdesk_email", "mode", "phone"])]
    remove: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let default_location = paths::machine_config_file();
    let path = args.file.clone().unwrap_or(default_location.clone());
    let own = own_folders(&path, &default_location);
    if args.remove {
        return remove(&path, &own);
    }
    let given = Given::new([
        (Property::ServerUrl, args.server_url),
        (Property::OrgToken, args.org_token),
        (Property::HelpdeskEmail, args.helpdesk_email),
        (Property::Mode, args.mode),
        (Property::Phone, args.phone),
    ]);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(file::decode(&path, &bytes)?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let plan = match install::plan(&path, existing.as_deref(), &given) {
        Ok(plan) => plan,
        Err(errors) => {
            let mut stderr = std::io::stderr().lock();
            for error in &errors {
                let _ = writeln!(stderr, "ppdesk-agent install-config: {error}");
            }
            let _ = writeln!(
                stderr,
                "ppdesk-agent install-config: nothing written to {}",
                path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    for warning in &plan.warnings {
        eprintln!(
            "ppdesk-agent install-config: warning: {}",
            warning.describe(Language::En)
        );
    }

    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    #[cfg(windows)]
    if let Some(folder) = own.first() {
        windows::protect_folder(folder)?;
    }
    write_atomically(&path, folder, &plan.text)?;
    // The MSI's memory of the token follows what the file now says.
    #[cfg(windows)]
    if !own.is_empty() {
        windows::remember_token(plan.file.org_token.as_deref())?;
    }
    let set: Vec<&str> = plan.set.iter().map(|p| p.key()).collect();
    println!(
        "{}: {}",
        path.display(),
        if set.is_empty() {
            "no value given; the keys there are kept".to_owned()
        } else {
            format!("set {}", set.join(", "))
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` next to `path` and renames it over `path`, so the agent never reads half a
/// file; the new file is readable by every user and writable only by its owner/administrators.
fn write_atomically(path: &Path, folder: &Path, text: &str) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".to_owned());
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| -> anyhow::Result<()> {
        let mut file = std::fs::File::create(&temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        drop(file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o644))
                .with_context(|| format!("cannot set the mode of {}", temporary.display()))?;
        }
        #[cfg(windows)]
        windows::protect_file(&temporary)?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot move {} to {}", temporary.display(), path.display()))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The folders that are ours alone, innermost first: on Windows `%ProgramData%\ppdesk\agent`
/// and `%ProgramData%\ppdesk` when `path` is the default location; none elsewhere (on Linux
/// `/etc/ppdesk` belongs to the packages; a folder an administrator pointed `--file` into is
/// theirs). Only these get their ACL replaced or are removed.
fn own_folders(path: &Path, default_location: &Path) -> Vec<PathBuf> {
    if !cfg!(windows) || path != default_location {
        return Vec::new();
    }
    path.ancestors()
        .skip(1)
        .take(2)
        .map(Path::to_owned)
        .collect()
}

/// Deletes the config, then our folders when empty (`ppdesk\agent`, then `ppdesk`).
fn remove(path: &Path, own: &[PathBuf]) -> anyhow::Result<ExitCode> {
    match std::fs::remove_file(path) {
        Ok(()) => println!("{}: removed", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            println!("{}: not there, nothing to remove", path.display());
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot remove {}", path.display()));
        }
    }
    #[cfg(windows)]
    if !own.is_empty() {
        windows::forget_token()?;
    }
    // A folder that still holds something (an administrator's notes) stays.
    for folder in own {
        if std::fs::remove_dir(folder).is_err() {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}
