//! `ppdesk-agent send`: a ticket without any window, for scripts and tests. The draft goes
//! through the outbox like one from the compose window.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use ppdesk_agent::catalog::outbox::outbox_texts;
use ppdesk_agent::config;
use ppdesk_agent::draft::{Attachment, Contact, Draft, DraftId};
use ppdesk_agent::instance::{self, Request};
use ppdesk_agent::outbox::{Outbox, Submitted, submit};
use ppdesk_agent::paths::AgentPaths;
use ppdesk_agent::remembered_contact;
use ppdesk_agent::transport::Delivered;
use ppdesk_shared::Priority;

/// Exit code when the ticket waits in the outbox (sysexits EX_TEMPFAIL: try again later).
const EXIT_QUEUED: u8 = 75;

/// Arguments of `send`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ticket's subject.
    #[arg(long)]
    subject: String,
    /// What happened.
    #[arg(long, default_value = "")]
    description: String,
    /// One of the configured categories (free text is accepted).
    #[arg(long)]
    category: Option<String>,
    /// low, normal, high or urgent (bassa, normale, alta, urgente).
    #[arg(long, default_value = "normal")]
    priority: Priority,
    /// A PNG screenshot to attach (see `ppdesk-agent capture`).
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// Another file to attach; repeatable.
    #[arg(long = "attach", value_name = "FILE")]
    attachments: Vec<PathBuf>,
    /// The requester's name (default: config [contact] name).
    #[arg(long)]
    contact_name: Option<String>,
    /// The requester's email (default: config [contact] email).
    #[arg(long)]
    contact_email: Option<String>,
}

/// Builds the draft, submits it, prints the outcome. Exit 0 when accepted, 75 when it waits in
/// the outbox, 1 when refused.
pub fn run(config_path: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let mut config = config::load(config_path)?.config;
    let paths = AgentPaths::for_current_user().context("no data directory for this user")?;
    remembered_contact::apply(&mut config, &paths);
    let config = &config;
    let screenshot = match &args.screenshot {
        Some(path) => Some(Attachment::screenshot(
            fs::read(path).with_context(|| format!("--screenshot {}", path.display()))?,
        )),
        None => None,
    };
    let mut attachments = Vec::new();
    for path in &args.attachments {
        let bytes = fs::read(path).with_context(|| format!("--attach {}", path.display()))?;
        attachments.push(Attachment::new(&path.to_string_lossy(), bytes));
    }
    let now = Utc::now();
    let draft = Draft {
        id: DraftId::new(now),
        created_at: now,
        subject: args.subject,
        description: args.description,
        category: args.category,
        priority: args.priority,
        contact: Contact {
            name: args
                .contact_name
                .unwrap_or_else(|| config.contact_name.clone()),
            email: args
                .contact_email
                .or_else(|| config.contact_email.clone())
                .unwrap_or_default(),
        },
        machine: ppdesk_agent::facts::gather(Vec::new(), None),
        screenshot,
        attachments,
    };
    let outbox = Outbox::open(&paths.outbox_dir())?;
    let texts = outbox_texts(config.language);
    match submit(&outbox, config, &draft)? {
        Submitted::Delivered(delivered) => {
            match delivered {
                Delivered::Ticket(ticket) => println!(
                    "{}: {} ({}, {})",
                    texts.opened_ticket, ticket.tag, ticket.sector, ticket.status
                ),
                Delivered::Mailed { message_id } => println!("{}: <{message_id}>", texts.mailed),
                Delivered::OpenedInMailClient { path } => {
                    println!("{}: {}", texts.draft_opened, path.display())
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Submitted::Queued { reason } => {
            println!("{} ({}): {reason}", texts.queued, draft.id);
            // Wake the tray's retry loop, when a tray runs.
            if let Err(error) = instance::notify_running(&paths, Request::OutboxChanged) {
                tracing::warn!(%error, "cannot tell the tray about the queued draft");
            }
            Ok(ExitCode::from(EXIT_QUEUED))
        }
        Submitted::Refused { reason } => {
            eprintln!("{} ({}): {reason}", texts.refused, draft.id);
            Ok(ExitCode::FAILURE)
        }
    }
}
