//! `ppdesk-agent outbox`: what waits to be sent, and `--send` to send it now.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use ppdesk_agent::catalog::outbox::outbox_texts;
use ppdesk_agent::config;
use ppdesk_agent::draft::DraftId;
use ppdesk_agent::outbox::{Outbox, deliver_now};
use ppdesk_agent::paths::AgentPaths;
use ppdesk_agent::transport::Delivered;

/// Arguments of `outbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Send every waiting ticket now, including refused ones, then list what is left.
    #[arg(long)]
    send: bool,
    /// Discard the ticket with this id (as listed) instead of sending it; repeatable.
    #[arg(long = "drop", value_name = "ID")]
    drop: Vec<String>,
}

/// Lists the outbox (after sending, with `--send`). Exit 0 when it ends empty, 75 otherwise.
pub fn run(config_path: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let loaded = config::load(config_path)?;
    let texts = outbox_texts(loaded.config.language);
    let paths = AgentPaths::for_current_user().context("no data directory for this user")?;
    let outbox = Outbox::open(&paths.outbox_dir())?;
    for text in &args.drop {
        let id = DraftId::parse(text.trim())
            .with_context(|| format!("--drop {text:?}: not an outbox id"))?;
        if !outbox.list()?.iter().any(|entry| entry.id == id) {
            anyhow::bail!("--drop {id}: no such ticket in the outbox");
        }
        // Not while another process is sending it: the server may be taking it right now.
        let _lock = outbox
            .try_lock(&id)
            .with_context(|| format!("--drop {id}: being sent right now, try again"))?;
        outbox.remove(&id)?;
        println!("{id}  {}", texts.dropped);
    }
    if args.send {
        let round = deliver_now(&outbox, &loaded.config, Utc::now());
        for (id, delivered) in &round.delivered {
            let what = match delivered {
                Delivered::Ticket(ticket) => format!("{}: {}", texts.opened_ticket, ticket.tag),
                Delivered::Mailed { message_id } => format!("{}: <{message_id}>", texts.mailed),
                Delivered::OpenedInMailClient { path } => {
                    format!("{}: {}", texts.draft_opened, path.display())
                }
            };
            println!("{id}  {what}");
        }
    }
    let entries = outbox.list()?;
    if entries.is_empty() {
        println!("{}", texts.empty);
        return Ok(ExitCode::SUCCESS);
    }
    for entry in &entries {
        let state = &entry.state;
        let status = if state.refused {
            texts.refused
        } else {
            texts.waiting
        };
        println!(
            "{}  {status}  {}  ({} {})",
            entry.id, entry.subject, state.attempts, texts.attempts
        );
        if let Some(at) = state.next_attempt_at.filter(|_| !state.refused) {
            println!("    {}: {}", texts.next_attempt, at.to_rfc3339());
        }
        if let Some(error) = &state.last_error {
            println!("    {}: {error}", texts.last_error);
        }
    }
    Ok(ExitCode::from(75))
}
