//! `ppdesk-agent capture --out F.png [--all-monitors]`: the screen as a right-click on "++"
//! would capture it, for scripts, tests and the benchmark.
//!
//! Prints one JSON line on stdout: the file, the pixel size, the monitors, the active window
//! and how long capture, encoding and writing took.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use ppdesk_agent::{capture, config};

/// Arguments of `capture`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the PNG (atomically: a temporary file next to it, then renamed).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Every monitor stitched into one image, instead of the one under the mouse cursor
    /// (also on when the config says `[capture] all_monitors = true`).
    #[arg(long)]
    pub all_monitors: bool,
}

/// Runs the subcommand.
pub fn run(config_path: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    // A broken config must not stop a capture; it only loses the all-monitors default.
    let from_config = match config::load(config_path) {
        Ok(loaded) => loaded.config.capture_all_monitors,
        Err(error) => {
            tracing::warn!(%error, "capture: config ignored");
            false
        }
    };
    let all_monitors = args.all_monitors || from_config;

    let started = Instant::now();
    let shot = capture::capture(all_monitors)?;
    let captured = Instant::now();
    let png = capture::encode_png(&shot.image)?;
    let encoded = Instant::now();
    capture::write_atomically(&args.out, &png)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let written = Instant::now();

    let ms = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1000.0;
    let round = |value: f64| (value * 10.0).round() / 10.0;
    let report = serde_json::json!({
        "out": args.out,
        "width": shot.image.width(),
        "height": shot.image.height(),
        "bytes": png.len(),
        "all_monitors": all_monitors,
        "screens": shot.screens,
        "active_window": shot.active_window,
        "capture_ms": round(ms(started, captured)),
        "encode_ms": round(ms(captured, encoded)),
        "write_ms": round(ms(encoded, written)),
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
