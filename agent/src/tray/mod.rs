//! The long-lived tray process: the "++" icon, its menu, the outbox retry loop and the
//! single-instance socket. No eframe and no GL here, so it idles at ~30 MiB with no wake-ups;
//! the compose and "my tickets" windows are short-lived child processes ([`launch`]).
//!
//! Threads:
//! - the UI thread (Linux: `gtk::main()`; Windows: a winit event loop) owns the icon and the
//!   menu ([`app::TrayApp`]) and captures the screen when asked, before any window of ours shows;
//! - `tray-instance` blocks in `accept` on the instance socket ([`crate::instance`]);
//! - `tray-outbox` sleeps until asked or until the next retry is due ([`retry`]);
//! - one short-lived thread per child process, which encodes its screenshot and waits for it.
//!
//! Every other thread talks to the UI thread by posting a [`UiEvent`] ([`Post`]).

mod app;
pub mod icon;
pub mod launch;
pub mod menu;
pub mod retry;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(windows)]
mod windows;

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::AgentConfig;
use crate::instance::{Instance, Request};
use crate::paths::AgentPaths;

/// What the tray runs with.
#[derive(Debug, Clone)]
pub struct TrayOptions {
    /// The effective configuration.
    pub config: AgentConfig,
    /// `--config F`, passed on to the child processes.
    pub config_file: Option<PathBuf>,
    /// The user's directories (outbox, runtime).
    pub paths: AgentPaths,
}

/// Why the tray could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    #[error("cannot start the desktop toolkit: {0}")]
    Toolkit(String),
    #[error("cannot create the tray icon: {0}")]
    Tray(#[from] tray_icon::Error),
    #[error("cannot build the tray menu: {0}")]
    Menu(#[from] tray_icon::menu::Error),
    #[error("unusable icon picture: {0}")]
    Icon(String),
    #[error("cannot find the agent's own executable: {0}")]
    Exe(std::io::Error),
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
}

/// Something the UI thread must handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiEvent {
    /// A menu item was clicked (its id).
    Menu(String),
    /// A request came in on the instance socket.
    Instance(Request),
    /// After an outbox round: how many drafts still wait.
    Pending(usize),
}

/// Hands a [`UiEvent`] to the UI thread from any thread.
pub type Post = Arc<dyn Fn(UiEvent) + Send + Sync>;

/// What the UI loop does after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Runs the tray until the user chooses "Esci" (or a `quit` request arrives). `instance` is
/// this process's claim on being the user's one tray (see [`Instance::acquire`]).
pub fn run(options: TrayOptions, instance: Instance) -> Result<(), TrayError> {
    tracing::info!(socket = %instance.address().display(), "tray starting");
    launch::remove_stale_captures(&options.paths.runtime_dir());
    #[cfg(target_os = "linux")]
    {
        linux::run(options, instance)
    }
    #[cfg(windows)]
    {
        windows::run(options, instance)
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = (options, instance);
        Err(TrayError::Toolkit(
            "this platform has no tray support yet".into(),
        ))
    }
}
