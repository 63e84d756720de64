//! `ppdesk-agent tickets`: the "I miei ticket" window, in its own short-lived process.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use ppdesk_agent::config;
use ppdesk_agent::my_tickets::{self, Fetch, MyTicketsApp};
use ppdesk_agent::paths::AgentPaths;
use ppdesk_agent::remembered_contact;
use ppdesk_agent::transport;

/// Runs the subcommand.
pub fn run(config_path: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mut config = config::load(config_path)?.config;
    if let Some(paths) = AgentPaths::for_current_user() {
        remembered_contact::apply(&mut config, &paths);
    }
    let fetch: Fetch = {
        let config = config.clone();
        Arc::new(move || {
            // The window asks only when the config has an address (my_tickets::availability).
            let email = config.contact_email.clone().unwrap_or_default();
            transport::api::my_tickets(&config, email.trim()).map_err(|e| e.to_string())
        })
    };
    my_tickets::run_window(MyTicketsApp::new(&config, fetch))?;
    Ok(ExitCode::SUCCESS)
}
