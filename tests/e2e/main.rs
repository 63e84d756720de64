//! End-to-end tests of ppdesk: the real `ppdesk-server` binary, driven through its command line
//! and HTTP like an MTA, a technician and a monitoring probe would. One test binary (one link);
//! each module is one part of the contract.
//!
//! Build the server first: `cargo build --workspace --bins` (tests/run.sh does).

mod acknowledgements;
mod agent_cli;
mod agent_compose;
mod agent_send;
mod agent_tray;
mod api;
mod cli;
mod correlation;
mod ingest_contract;
mod live_mail;
mod relay;
mod scenarios;
mod web_auth;
mod web_browser;
mod web_console;
mod web_kb;
mod web_portal;
