//! `ppdesk-agent`: the tray agent and its headless subcommands.
//!
//! Without a subcommand it runs the tray (or, when one already runs for this user, asks it to
//! open the compose window and exits).

// A GUI program on Windows (release builds): no console window pops up at login. `--version`
// and the headless subcommands attach to the parent console instead (see `cmd::console`).
// Debug builds keep their console, for the developer.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The ppdesk tray agent: "++" near the clock opens a ticket with a screenshot.
#[derive(Debug, Parser)]
#[command(name = "ppdesk-agent", version, about)]
struct Cli {
    /// Use this config file instead of the machine-wide and per-user ones.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the tray icon; exits quietly when one already runs (what autostart starts).
    /// Without a subcommand, a running tray is asked to open the compose window instead.
    Tray,
    /// Open the compose window (started by the tray after it captured the screen).
    Compose(cmd::compose::Args),
    /// Show "my tickets" and their status.
    Tickets,
    /// Capture the screen to a PNG file, as a right-click on "++" would.
    Capture(cmd::capture::Args),
    /// Send a ticket without any window (scripts, tests).
    Send(cmd::send::Args),
    /// List the tickets waiting in the local outbox, or send them now.
    Outbox(cmd::outbox::Args),
    /// Check the configuration and the connection to the helpdesk; say what is wrong and where.
    Doctor,
    /// Write the machine-wide config from the installer's values (the MSI's custom action).
    #[command(hide = true)]
    InstallConfig(cmd::install_config::Args),
}

fn main() -> ExitCode {
    cmd::console::attach_to_parent();
    let cli = Cli::parse();
    cmd::logging::init();
    let config = cli.config.as_deref();
    // The bare command (the launcher) opens compose in a running tray; `tray` (autostart) not.
    let hand_over = match cli.command {
        None => cmd::tray::HandOver::Compose,
        Some(_) => cmd::tray::HandOver::Nothing,
    };
    let outcome = match cli.command.unwrap_or(Command::Tray) {
        Command::Tray => cmd::tray::run(config, hand_over),
        Command::Compose(args) => cmd::compose::run(config, args),
        Command::Tickets => cmd::tickets::run(config),
        Command::Capture(args) => cmd::capture::run(config, args),
        Command::Send(args) => cmd::send::run(config, args),
        Command::Outbox(args) => cmd::outbox::run(config, args),
        Command::Doctor => cmd::doctor::run(config),
        Command::InstallConfig(args) => cmd::install_config::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("ppdesk-agent: {error:#}");
            ExitCode::FAILURE
        }
    }
}
