//! `ppdesk-agent compose`: the compose window, in its own short-lived process.
//!
//! The tray captures the screen at the click, writes the PNG into the runtime folder and
//! starts `compose --screenshot F [--window-title T]`. This process reads F and deletes it
//! at once (the unredacted original must not stay on disk), shows the window, and on Send
//! hands the draft to the outbox: delivered → a notification with the ticket number; not yet
//! (offline) → a notification that it waits, and the tray is told to retry; refused (e.g. an
//! unknown contact email) → the window stays open with the reason, to correct and send again.
//! It exits when the window closes.
//!
//! Started by hand without `--screenshot`, it captures the screen itself before its window
//! shows (`--no-screenshot` opens it without one).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::Context as _;
use image::RgbaImage;
use ppdesk_agent::capture;
use ppdesk_agent::catalog::compose::texts;
use ppdesk_agent::compose::{self, ComposeApp, ComposeInput, OnSend, Outcome, Settled};
use ppdesk_agent::config::{self, AgentConfig};
use ppdesk_agent::instance::{self, Request};
use ppdesk_agent::notify;
use ppdesk_agent::outbox::{self, Outbox, Submitted};
use ppdesk_agent::paths::AgentPaths;
use ppdesk_agent::remembered_contact;

/// Arguments of `compose`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The screen captured at the click (PNG). Deleted as soon as it is read.
    #[arg(long, value_name = "FILE", conflicts_with = "no_screenshot")]
    pub screenshot: Option<PathBuf>,
    /// Title of the window the user was looking at; prefills the subject.
    #[arg(long, value_name = "TITLE")]
    pub window_title: Option<String>,
    /// Open without a screenshot (without this or --screenshot, the screen is captured now).
    #[arg(long)]
    pub no_screenshot: bool,
}

/// What the window starts from besides the config.
struct Prepared {
    image: Option<RgbaImage>,
    /// The image scaled for the preview, made on this side thread while the window starts.
    preview: Option<RgbaImage>,
    screens: Vec<String>,
    window_title: Option<String>,
}

/// Runs the subcommand.
pub fn run(config_path: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut config = config::load(config_path)?.config;
    let paths = AgentPaths::for_current_user()
        .context("no per-user data folder (set PPDESK_AGENT_DATA_DIR)")?;
    remembered_contact::apply(&mut config, &paths);

    let prepared: JoinHandle<Prepared> = match (&args.screenshot, args.no_screenshot) {
        (Some(file), _) => {
            // Decoding overlaps the window's start-up (GL context, fonts).
            let file = file.clone();
            let title = args.window_title.clone();
            std::thread::spawn(move || with_preview(from_file(&file, title)))
        }
        (None, true) => {
            let title = args.window_title.clone();
            std::thread::spawn(move || Prepared {
                image: None,
                preview: None,
                screens: capture::screens(),
                window_title: title,
            })
        }
        (None, false) => {
            // Captured here, before our window exists, so it shows what the user saw.
            let prepared = capture_now(config.capture_all_monitors, args.window_title.clone());
            std::thread::spawn(move || with_preview(prepared))
        }
    };

    let on_send = sender(config.clone(), paths);
    let window_title = texts(config.language).window_title;
    let outcome = compose::run_window(window_title, move || {
        let prepared = prepared.join().unwrap_or_else(|_| Prepared {
            image: None,
            preview: None,
            screens: Vec::new(),
            window_title: None,
        });
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "compose: window up, screenshot ready"
        );
        let facts = ppdesk_agent::facts::gather(prepared.screens, prepared.window_title.clone());
        ComposeApp::new(
            ComposeInput {
                config,
                screenshot: prepared.image,
                preview: prepared.preview,
                window_title: prepared.window_title,
                facts,
            },
            on_send,
        )
    })?;
    tracing::info!(?outcome, "compose: window closed");
    Ok(match outcome {
        Outcome::Sent | Outcome::Cancelled => ExitCode::SUCCESS,
    })
}

/// Reads and deletes the tray's capture, then decodes it. A file that cannot be read or
/// decoded leaves the window without a screenshot (logged), never without a window.
fn from_file(file: &Path, window_title: Option<String>) -> Prepared {
    let bytes = std::fs::read(file);
    // Whatever happens next, the unredacted original does not stay on disk.
    if let Err(error) = std::fs::remove_file(file)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(file = %file.display(), %error, "compose: cannot delete the capture");
    }
    let image = match bytes {
        Ok(bytes) => image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
            .map(|image| image.to_rgba8())
            .map_err(|error| {
                tracing::warn!(file = %file.display(), %error, "compose: screenshot is not a PNG");
            })
            .ok(),
        Err(error) => {
            tracing::warn!(file = %file.display(), %error, "compose: cannot read the screenshot");
            None
        }
    };
    Prepared {
        image,
        preview: None,
        screens: capture::screens(),
        window_title,
    }
}

/// Adds the preview picture, so the window's first frame only uploads a small texture.
fn with_preview(mut prepared: Prepared) -> Prepared {
    prepared.preview = prepared.image.as_ref().and_then(compose::preview_image);
    prepared
}

fn capture_now(all_monitors: bool, window_title: Option<String>) -> Prepared {
    match capture::capture(all_monitors) {
        Ok(shot) => Prepared {
            image: Some(shot.image),
            preview: None,
            screens: shot.screens,
            window_title: window_title.or(shot.active_window),
        },
        Err(error) => {
            tracing::warn!(%error, "compose: no screenshot");
            Prepared {
                image: None,
                preview: None,
                screens: Vec::new(),
                window_title,
            }
        }
    }
}

/// Send: into the outbox, one attempt, then a desktop notification, or (refused) the reason
/// back to the still open window, which may send the corrected draft under the same id.
fn sender(config: AgentConfig, paths: AgentPaths) -> OnSend {
    Box::new(move |draft| {
        let language = config.language;
        let outbox = Outbox::open(&paths.outbox_dir()).map_err(|e| e.to_string())?;
        compose::withdraw_refused(&outbox, &draft.id);
        let submitted = outbox::submit(&outbox, &config, &draft).map_err(|e| e.to_string())?;
        if let Submitted::Refused { reason } = &submitted {
            tracing::warn!(draft = %draft.id, %reason, "compose: refused, window stays open");
        }
        let settled = compose::settle(submitted)?;
        // The outbox has it: next time the contact is prefilled and "I miei ticket" works.
        remembered_contact::remember(&paths, &draft.contact);
        match settled {
            Settled::Delivered(delivered) => {
                tracing::info!(draft = %draft.id, ?delivered, "compose: delivered");
                notify::delivered(language, &delivered);
            }
            Settled::Queued { reason } => {
                // Stored in the outbox: nothing is lost; the tray retries it, and the
                // notification says why it waits.
                tracing::warn!(draft = %draft.id, %reason, "compose: not delivered yet");
                notify::queued(language, outbox.pending_count(), &reason);
                if let Err(error) = instance::notify_running(&paths, Request::OutboxChanged) {
                    tracing::warn!(%error, "compose: cannot tell the tray about the queued draft");
                }
            }
        }
        Ok(())
    })
}
