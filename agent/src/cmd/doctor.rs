//! `ppdesk-agent doctor`: prints what is wrong with the config and the connection, and where.
//! Exit code 0 when everything is fine, 1 otherwise.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use ppdesk_agent::doctor;

/// Runs the subcommand.
pub fn run(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let report = doctor::examine(config);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(doctor::render(&report).as_bytes())?;
    stdout.flush()?;
    Ok(if report.is_healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
