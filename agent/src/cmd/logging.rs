//! Logs go to stderr, filtered by `PPDESK_LOG` (default `warn`, so scripts see only problems).

/// Installs the stderr subscriber.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PPDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in log files or a service's journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
