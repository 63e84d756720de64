//! The binary's edge: one module per subcommand, turning arguments and library errors into
//! output and exit codes (`anyhow` lives here only).

pub mod capture;
pub mod compose;
pub mod console;
pub mod doctor;
pub mod install_config;
pub mod logging;
pub mod outbox;
pub mod send;
pub mod tickets;
pub mod tray;
