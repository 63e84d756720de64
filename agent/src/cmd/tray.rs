//! `ppdesk-agent` / `ppdesk-agent tray`: the "++" icon. When this user's tray already runs, the
//! bare `ppdesk-agent` (the application launcher) asks it to open the compose window (with a
//! screenshot) and exits 0; `ppdesk-agent tray` (the login autostart, which may run twice)
//! just exits 0.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ppdesk_agent::catalog::Language;
use ppdesk_agent::config;
use ppdesk_agent::instance::{self, Instance, Request};
use ppdesk_agent::notify;
use ppdesk_agent::paths::AgentPaths;
use ppdesk_agent::tray::{self, TrayOptions};

/// How long a second launch keeps trying to reach a tray that is still starting (it holds the
/// lock but does not listen yet).
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(5);

/// What a launch asks of the tray that already runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandOver {
    /// Open the compose window: the user launched the agent on purpose.
    Compose,
    /// Nothing: a second autostart must not pop up a window.
    Nothing,
}

/// Runs the tray, or leaves it to the running one (asking it for `hand_over`).
pub fn run(config_path: Option<&Path>, hand_over: HandOver) -> anyhow::Result<ExitCode> {
    let paths = AgentPaths::for_current_user().context("no data directory for this user")?;
    let instance = match claim(&paths, hand_over)? {
        Claim::HandedOver => {
            match hand_over {
                HandOver::Compose => {
                    tracing::info!("the tray already runs: asked it to open the compose window")
                }
                HandOver::Nothing => tracing::info!("the tray already runs: nothing to do"),
            }
            return Ok(ExitCode::SUCCESS);
        }
        Claim::Tray(instance) => instance,
    };
    let loaded = match config::load(config_path) {
        Ok(loaded) => loaded,
        Err(error) => {
            // At login nobody reads stderr: say it where the user looks.
            notify::cannot_start(Language::default(), &error.to_string());
            return Err(error).context("cannot load the configuration");
        }
    };
    let options = TrayOptions {
        config: loaded.config,
        config_file: config_path.map(Path::to_owned),
        paths,
    };
    tray::run(options, instance)?;
    Ok(ExitCode::SUCCESS)
}

enum Claim {
    /// Another tray runs (and took the request, if there was one).
    HandedOver,
    /// This process is the tray.
    Tray(Instance),
}

fn claim(paths: &AgentPaths, hand_over: HandOver) -> anyhow::Result<Claim> {
    let deadline = Instant::now() + HANDOVER_TIMEOUT;
    loop {
        if hand_over == HandOver::Compose
            && instance::notify_running(paths, Request::Compose)
                .context("cannot talk to the running tray")?
        {
            return Ok(Claim::HandedOver);
        }
        if let Some(instance) = Instance::acquire(paths).context("cannot become the tray")? {
            return Ok(Claim::Tray(instance));
        }
        if hand_over == HandOver::Nothing {
            // Another tray holds the lock, running or still starting: it is all we need.
            return Ok(Claim::HandedOver);
        }
        // Another tray holds the lock but is not listening yet: it is starting.
        anyhow::ensure!(
            Instant::now() < deadline,
            "another ppdesk-agent holds the tray lock but does not answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
