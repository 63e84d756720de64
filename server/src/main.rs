//! `ppdesk-server`: the command line. Everything here translates arguments and exit codes;
//! the work is done by `ppdesk_server::desk::Desk`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ppdesk_server::config::{self, Config, ConfigError, Locale, OrganisationConfig};
use ppdesk_server::desk::Desk;
use ppdesk_server::ingest::{BATCH_SIZE, IngestReport, PreparedBatch, SOURCE_STDIN};
use ppdesk_server::outbox::{self, DeliveryStats};
use ppdesk_server::sent_journal::SentJournal;
use ppdesk_server::serve;
use ppdesk_server::store::TicketFilter;
use ppdesk_server::store::sqlite::SqliteStore;
use ppdesk_server::transport::OutboundTransport;
use ppdesk_server::views;
use ppdesk_shared::status::SystemClock;

/// sysexits.h: the caller (an MTA) should keep the message and retry.
const EX_TEMPFAIL: u8 = 75;
/// sysexits.h: the configuration is wrong.
const EX_CONFIG: u8 = 78;

#[derive(Parser)]
#[command(name = "ppdesk-server", version, about = "The ppdesk helpdesk server")]
struct Cli {
    /// The TOML config file (else $PPDESK_CONFIG, else embedded defaults).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Where the database, attachments and spool live (overrides storage.data_dir).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Take one RFC 5322 message from stdin (an MTA pipe), or every file of a folder.
    Ingest {
        /// Ingest every file below this folder, one JSON line per file.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Check the config and print every problem with file, line and key.
    CheckConfig,
    /// Look at and work on tickets.
    Ticket {
        #[command(subcommand)]
        action: TicketAction,
    },
    /// Customer organisations (config and database) and their API tokens.
    Org {
        #[command(subcommand)]
        action: OrgAction,
    },
    /// Web accounts: customers, organisation admins, technicians, admins.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Run the server: HTTP and the outbox worker, until SIGTERM or Ctrl-C.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long)]
        listen: Option<String>,
        /// Add a demo organisation and seed sample tickets into an empty database.
        #[arg(long)]
        demo: bool,
    },
}

#[derive(Subcommand)]
enum TicketAction {
    /// One ticket with its thread and outbox.
    Show {
        number: u64,
        #[arg(long)]
        json: bool,
    },
    /// Tickets, newest activity first.
    List {
        #[arg(long)]
        json: bool,
        /// waiting_on_support, waiting_on_customer, resolved or cancelled.
        #[arg(long)]
        status: Option<String>,
    },
    /// Mail the requester a reply (tag in the subject); the ticket waits on the customer.
    Reply {
        number: u64,
        /// A UTF-8 text file with the reply.
        #[arg(long)]
        body_file: PathBuf,
    },
    /// Resolve the ticket and tell the requester.
    Resolve {
        number: u64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Cancel the ticket (no mail is sent).
    Cancel { number: u64 },
}

#[derive(Subcommand)]
enum OrgAction {
    /// Add an organisation to the database (those of the config need no adding).
    Create {
        /// Its name, unique among config and database organisations (any case).
        name: String,
        /// A mail domain of the organisation (repeatable): mail from it opens its tickets.
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Contract class, one of tickets.classes (default: tickets.default_class).
        #[arg(long)]
        class: Option<String>,
        /// Language of its mails, it or en (default: helpdesk.default_locale).
        #[arg(long)]
        locale: Option<Locale>,
    },
    /// Every organisation: the config's, then the database's.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The organisation tokens of the agent API.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Make a user. The password is read from stdin when it is piped; otherwise one is
    /// generated and printed once, alone on stdout.
    Create {
        /// Sign-in address.
        email: String,
        /// customer, org_admin, technician or admin.
        #[arg(long)]
        role: ppdesk_server::accounts::Role,
        /// The customer's organisation (config or database; required for org_admin). A
        /// customer without one gets the organisation owning their mail domain, if any.
        #[arg(long = "org")]
        organisation: Option<String>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Language of the pages and mails, it or en (default: the browser's / helpdesk's).
        #[arg(long)]
        locale: Option<Locale>,
    },
    /// Every user with role, organisation and whether they may sign in.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a user's password (from stdin when piped, else generated and printed once); their
    /// sessions end.
    Password { email: String },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Make a token; it is printed once, alone on stdout, and only its hash is kept.
    Create {
        /// The organisation (config or database) the token opens tickets for.
        organisation: String,
        /// A note to recognise it by later, e.g. the machine or site it is for.
        #[arg(long)]
        label: Option<String>,
    },
    /// The organisation's tokens (ids and labels; the tokens themselves are not kept).
    List {
        organisation: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: requests carrying it are refused from now on.
    Revoke {
        organisation: String,
        /// The token's id, as `org token list` shows it.
        id: i64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve { .. });
    init_logging(serving);
    // One-shot commands run on one thread: the database is the bottleneck, and handing every
    // statement across worker threads costs more than it brings. The server uses them all.
    let mut builder = if serving {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ppdesk-server: cannot start the async runtime: {e}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    runtime.block_on(run(cli))
}

fn init_logging(serving: bool) {
    // Commands print their results on stdout; logs go to stderr and stay quiet unless asked.
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
}

async fn run(cli: Cli) -> ExitCode {
    let config = match load_config(cli.config.clone()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            // An MTA must keep the message while the config is being fixed.
            let code = match cli.command {
                Command::Ingest { .. } => EX_TEMPFAIL,
                _ => EX_CONFIG,
            };
            return ExitCode::from(code);
        }
    };
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| config.storage.data_dir_or_default());
    let result = match cli.command {
        Command::CheckConfig => {
            println!("config OK");
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { dir } => ingest(config, &data_dir, dir.as_deref()).await,
        Command::Ticket { action } => ticket(config, &data_dir, action).await,
        Command::Org { action } => org(config, &data_dir, action).await,
        Command::User { action } => user(config, &data_dir, action).await,
        Command::Serve { listen, demo } => serve_command(config, &data_dir, listen, demo).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ppdesk-server: {e:#}");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn load_config(cli_path: Option<PathBuf>) -> Result<Config, ConfigError> {
    let path = config::resolve_config_path(cli_path);
    // The admin pages name the file where sectors, rules and SLA targets are changed.
    config::web::remember_config_file(
        path.as_ref()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
    );
    match path {
        Some(path) => Config::load(&path),
        None => Ok(Config::default()),
    }
}

async fn open(config: Config, data_dir: &Path) -> anyhow::Result<Desk<SqliteStore>> {
    Desk::open(config, data_dir, Arc::new(SystemClock))
        .await
        .with_context(|| format!("cannot open the data directory {}", data_dir.display()))
}

/// The transport `outbox.transport` names (an SMTP relay's password file is read here).
fn transport(desk: &Desk<SqliteStore>) -> anyhow::Result<OutboundTransport> {
    OutboundTransport::from_config(&desk.config, &desk.spool_dir())
        .context("cannot set up outbound mail delivery")
}

async fn deliver_now(desk: &Desk<SqliteStore>) -> anyhow::Result<DeliveryStats> {
    let policy = serve::retry_policy(desk);
    let transport = transport(desk)?;
    let journal_path = desk.data_dir.join(serve::SENT_JOURNAL);
    let journal = SentJournal::open(&journal_path)
        .with_context(|| format!("cannot open {}", journal_path.display()))?;
    let stats =
        outbox::deliver_due_journaled(&desk.store, &transport, &policy, || desk.now_ms(), &journal)
            .await
            .context("delivering the outbox")?;
    Ok(stats)
}

async fn ingest(config: Config, data_dir: &Path, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let desk = Arc::new(open(config, data_dir).await?);
    let mut stdout = std::io::stdout().lock();
    let mut retry_needed = false;
    match dir {
        None => {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .context("reading the message from stdin")?;
            let report = desk.ingest(&raw, SOURCE_STDIN).await?;
            writeln!(stdout, "{}", report_json(&report, None))?;
        }
        Some(dir) => {
            let files = list_files(dir).with_context(|| format!("listing {}", dir.display()))?;
            let chunks: Vec<Vec<PathBuf>> = files.chunks(BATCH_SIZE).map(<[_]>::to_vec).collect();
            // Reading, parsing and writing blobs for the next batch runs on the blocking pool
            // while this batch's transaction runs: the two halves use both cores.
            let prepare = |chunk: Vec<PathBuf>| {
                let (desk, dir) = (desk.clone(), dir.to_path_buf());
                tokio::task::spawn_blocking(move || read_and_prepare(&desk, &dir, chunk))
            };
            let mut next = chunks.first().cloned().map(prepare);
            for index in 0..chunks.len() {
                let Some(pending) = next.take() else { break };
                let ReadBatch {
                    prepared,
                    names,
                    unreadable,
                } = pending.await.context("preparing a batch")?;
                next = chunks.get(index + 1).cloned().map(prepare);
                for (name, error) in unreadable {
                    retry_needed = true;
                    writeln!(stdout, "{}", error_json(&name, &error))?;
                }
                for (name, taken) in names.iter().zip(desk.ingest_prepared(prepared).await) {
                    match taken {
                        Ok(report) => writeln!(stdout, "{}", report_json(&report, Some(name)))?,
                        Err(e) => {
                            retry_needed = true;
                            writeln!(stdout, "{}", error_json(name, &anyhow::Error::from(e)))?;
                        }
                    }
                }
            }
        }
    }
    stdout.flush()?;
    drop(stdout);
    // The message is safe in the database now; a delivery problem is the outbox's to retry.
    if let Err(e) = deliver_now(&desk).await {
        tracing::warn!(error = %format!("{e:#}"), "delivery after ingest failed; the outbox keeps the mail");
    }
    Ok(if retry_needed {
        ExitCode::from(EX_TEMPFAIL)
    } else {
        ExitCode::SUCCESS
    })
}

/// One batch of files, read and prepared.
struct ReadBatch {
    prepared: PreparedBatch,
    names: Vec<String>,
    unreadable: Vec<(String, anyhow::Error)>,
}

fn read_and_prepare(desk: &Desk<SqliteStore>, dir: &Path, chunk: Vec<PathBuf>) -> ReadBatch {
    let mut batch = Vec::with_capacity(chunk.len());
    let mut names = Vec::with_capacity(chunk.len());
    let mut unreadable = Vec::new();
    for path in chunk {
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        match std::fs::read(&path) {
            Ok(raw) => {
                batch.push((raw, format!("file:{name}")));
                names.push(name);
            }
            Err(e) => unreadable.push((name, anyhow::Error::from(e).context("reading the file"))),
        }
    }
    ReadBatch {
        prepared: desk.prepare_batch(batch),
        names,
        unreadable,
    }
}

fn error_json(file: &str, error: &anyhow::Error) -> serde_json::Value {
    serde_json::json!({
        "file": file, "outcome": null, "ticket": null,
        "acknowledged": false, "error": format!("{error:#}"),
    })
}

fn report_json(report: &IngestReport, file: Option<&str>) -> serde_json::Value {
    let mut value = serde_json::json!({
        "outcome": report.outcome,
        "ticket": report.ticket,
        "acknowledged": report.acknowledged,
    });
    if let Some(reason) = &report.reason {
        value["reason"] = reason.as_str().into();
    }
    if let Some(file) = file {
        value["file"] = file.into();
    }
    value
}

/// Every regular file below `dir`, hidden ones included, sorted by path.
fn list_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok(files)
}

async fn ticket(config: Config, data_dir: &Path, action: TicketAction) -> anyhow::Result<ExitCode> {
    let desk = open(config, data_dir).await?;
    match action {
        TicketAction::Show { number, json } => match desk.ticket_view(number).await? {
            Some(view) if json => println!("{}", serde_json::to_string_pretty(&view)?),
            Some(view) => print!("{}", view.to_text()),
            None => {
                eprintln!("ticket {number} does not exist");
                return Ok(ExitCode::from(1));
            }
        },
        TicketAction::List { json, status } => {
            let lines = desk
                .ticket_lines(&TicketFilter {
                    status,
                    ..TicketFilter::default()
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&lines)?);
            } else {
                for l in lines {
                    println!(
                        "{:<28} {:<20} {:<10} {:<28} {}",
                        l.tag, l.status, l.sector, l.requester, l.subject
                    );
                }
            }
        }
        TicketAction::Reply { number, body_file } => {
            let body = std::fs::read_to_string(&body_file)
                .with_context(|| format!("reading {}", body_file.display()))?;
            let status = match desk.reply(number, &body).await {
                Ok(status) => status,
                Err(e) => return Ok(refused(e)),
            };
            deliver_now(&desk).await?;
            println!("ticket {number}: reply queued; status {}", status.as_str());
        }
        TicketAction::Resolve { number, reason } => {
            let status = match desk.resolve(number, reason.as_deref()).await {
                Ok(status) => status,
                Err(e) => return Ok(refused(e)),
            };
            deliver_now(&desk).await?;
            println!("ticket {number}: {}", status.as_str());
        }
        TicketAction::Cancel { number } => match desk.cancel(number).await {
            Ok(status) => println!("ticket {number}: {}", status.as_str()),
            Err(e) => return Ok(refused(e)),
        },
    }
    Ok(ExitCode::SUCCESS)
}

async fn org(config: Config, data_dir: &Path, action: OrgAction) -> anyhow::Result<ExitCode> {
    let desk = open(config, data_dir).await?;
    let done = match action {
        OrgAction::Create {
            name,
            domains,
            class,
            locale,
        } => desk
            .create_organisation(OrganisationConfig {
                name,
                domains,
                class,
                locale,
            })
            .await
            .map(|org| {
                println!(
                    "organisation {} created; domains: {}; class: {}; language: {}",
                    org.name,
                    if org.domains.is_empty() {
                        "-".to_string()
                    } else {
                        org.domains.join(", ")
                    },
                    desk.config.class_for(Some(&org)),
                    desk.config.locale_for(Some(&org)),
                );
            }),
        OrgAction::List { json } => {
            let lines = desk.organisation_lines().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&lines)?);
            } else {
                for l in lines {
                    println!(
                        "{:<32} {:<8} {:<10} {:<3} {:>2} token(s)  {}{}",
                        l.name,
                        l.source,
                        l.class,
                        l.locale,
                        l.active_tokens,
                        l.domains.join(", "),
                        l.conflict
                            .map(|c| format!("  (ignored where the config differs: {c})"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
        OrgAction::Token {
            action:
                TokenAction::Create {
                    organisation,
                    label,
                },
        } => desk
            .create_token(&organisation, label.as_deref())
            .await
            .map(|minted| {
                // The token alone on stdout, so a script can capture it; the rest on stderr.
                println!("{}", minted.token);
                eprintln!(
                    "token {} for {}: shown only now, keep it in the agent's configuration",
                    minted.id, minted.organisation
                );
            }),
        OrgAction::Token {
            action: TokenAction::List { organisation, json },
        } => desk.tokens_of(&organisation).await.map(|(name, tokens)| {
            let rows: Vec<serde_json::Value> = tokens
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "id": t.id,
                        "organisation": name,
                        "label": t.label,
                        "created_at": views::timestamp(t.created_at),
                        "revoked_at": t.revoked_at.map(views::timestamp),
                    })
                })
                .collect();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
                );
            } else {
                for t in &tokens {
                    println!(
                        "{:>4}  {:<24} created {}  {}",
                        t.id,
                        t.label.as_deref().unwrap_or("-"),
                        views::timestamp(t.created_at),
                        t.revoked_at
                            .map(|at| format!("revoked {}", views::timestamp(at)))
                            .unwrap_or_else(|| "active".to_string())
                    );
                }
            }
        }),
        OrgAction::Token {
            action: TokenAction::Revoke { organisation, id },
        } => desk.revoke_token(&organisation, id).await.map(|name| {
            println!("token {id} of {name} revoked");
        }),
    };
    match done {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_refusal() => {
            eprintln!("ppdesk-server: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// A password piped on stdin (its first line), or None when stdin is a terminal.
fn piped_password() -> anyhow::Result<Option<String>> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from stdin")?;
    let line = text.lines().next().unwrap_or_default().to_string();
    Ok((!line.is_empty()).then_some(line))
}

async fn user(config: Config, data_dir: &Path, action: UserAction) -> anyhow::Result<ExitCode> {
    use ppdesk_server::accounts::UserDraft;
    let desk = open(config, data_dir).await?;
    let done = match action {
        UserAction::Create {
            email,
            role,
            organisation,
            name,
            locale,
        } => {
            let password = piped_password()?;
            desk.create_user(
                UserDraft {
                    email,
                    name,
                    role,
                    organisation,
                },
                password,
                locale,
            )
            .await
            .map(|created| {
                let u = &created.user;
                let summary = format!(
                    "user {} created: {}{}",
                    u.email,
                    u.role,
                    u.organisation
                        .as_deref()
                        .map(|o| format!(", {o}"))
                        .unwrap_or_default()
                );
                match &created.generated_password {
                    // The password alone on stdout, so a script can capture it; shown only now.
                    Some(password) => {
                        println!("{password}");
                        eprintln!("{summary}; generated password shown only now");
                    }
                    None => println!("{summary}"),
                }
            })
        }
        UserAction::List { json } => desk.user_list().await.map(|users| {
            if json {
                let rows: Vec<serde_json::Value> = users
                    .iter()
                    .map(|l| {
                        serde_json::json!({
                            "id": l.user.id,
                            "email": l.user.email,
                            "name": l.user.name,
                            "role": l.user.role.as_str(),
                            "organisation": l.user.organisation,
                            "locale": l.user.locale.map(Locale::as_str),
                            "active": l.user.active,
                            "created_at": views::timestamp(l.created_at),
                            "last_seen_at": l.last_seen_at.map(views::timestamp),
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
                );
            } else {
                for l in &users {
                    println!(
                        "{:<36} {:<11} {:<28} {:<8} {}",
                        l.user.email,
                        l.user.role.as_str(),
                        l.user.organisation.as_deref().unwrap_or("-"),
                        if l.user.active { "active" } else { "inactive" },
                        l.user.name.as_deref().unwrap_or("")
                    );
                }
            }
        }),
        UserAction::Password { email } => {
            let piped = piped_password()?;
            let generated = piped.is_none();
            let password = piped.unwrap_or_else(ppdesk_server::accounts::password::generate);
            desk.set_password(&email, password.clone())
                .await
                .map(|user| {
                    if generated {
                        println!("{password}");
                        eprintln!("password of {} set; shown only now", user.email);
                    } else {
                        println!("password of {} set", user.email);
                    }
                })
        }
    };
    match done {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_refusal() => {
            eprintln!("ppdesk-server: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// A refused operator action is the user's mistake, not a reason to retry.
fn refused(error: ppdesk_server::operator::OperatorError) -> ExitCode {
    eprintln!("ppdesk-server: {error}");
    ExitCode::from(1)
}

async fn serve_command(
    config: Config,
    data_dir: &Path,
    listen: Option<String>,
    demo: bool,
) -> anyhow::Result<ExitCode> {
    let config = if demo {
        ppdesk_server::demo::with_demo_organisation(config)
    } else {
        config
    };
    let mut config = config;
    if let Some(listen) = listen {
        // The web pages' default public address (links in mails) follows the real listener.
        config.server.listen = listen;
    }
    let listen = config.server.listen.clone();
    let desk = Arc::new(open(config, data_dir).await?);
    // A bad relay setting (password file, host) is found before anything listens.
    let transport = match transport(&desk) {
        Ok(transport) => transport,
        Err(e) => {
            eprintln!("ppdesk-server: {e:#}");
            return Ok(ExitCode::from(EX_CONFIG));
        }
    };
    desk.warn_organisation_conflicts().await?;
    let demo_logins = if demo {
        let logins = ppdesk_server::demo::seed_users(&desk).await?;
        let seeded = ppdesk_server::demo::seed(&desk).await?;
        ppdesk_server::kb::demo::seed_demo_articles(&desk.store, desk.now_ms()).await?;
        tracing::info!(messages = seeded, "demo data ready");
        logins
    } else {
        Vec::new()
    };
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    eprintln!(
        "ppdesk-server listening on http://{}  (data: {})",
        listener.local_addr()?,
        data_dir.display()
    );
    let base_url = desk
        .config
        .web
        .base_url(&desk.config.helpdesk, &listener.local_addr()?.to_string());
    for login in &demo_logins {
        eprintln!(
            "{}",
            login.line(desk.config.helpdesk.default_locale, &base_url)
        );
    }
    let lmtp = if desk.config.lmtp.enabled {
        let address = &desk.config.lmtp.listen;
        Some(
            tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen for LMTP on {address}"))?,
        )
    } else {
        None
    };
    let listeners = serve::Listeners {
        http: listener,
        lmtp,
    };
    serve::run(desk, transport, listeners, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
