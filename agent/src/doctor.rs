//! `ppdesk-agent doctor`: what is wrong with this agent's config and connection, and where.
//!
//! [`examine`] gathers a [`Report`] — plain data: the config files looked at, the effective
//! settings with where each came from, every unusable file, every problem with its place, and
//! the connectivity checks of the configured mode. [`render`] turns it into text a person can
//! read out on a phone call with support; [`Report::is_healthy`] decides the exit code.
//!
//! Connectivity, per mode:
//! - `api`: `GET {server_url}/healthz`, then `GET {server_url}/api/v1/tickets?contact=…` with
//!   the organisation token (401/403: the token is refused);
//! - `smtp`: connect to the relay with the configured security, log in if configured, NOOP;
//! - `mailclient`: is there a default program for `.eml` files.
//!
//! Every network step gives up after [`TIMEOUT`].

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use ppdesk_shared::agent_config::{AgentConfig, Language, Mode, SmtpSecurity};
use ppdesk_shared::api::{ApiError, TICKETS_PATH, TicketSummary};

use crate::catalog::doctor::{self as text, fill};
use crate::config::validate::is_http_url;
use crate::config::{self, ConfigError, FileLook, FileState, Inspection, Loaded, Place, Problem};

/// The query parameter of `GET /api/v1/tickets` naming the requester.
pub const CONTACT_QUERY: &str = "contact";

/// How long each network step may take.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The contact the token check lists tickets for when the config names none: a valid address
/// that belongs to nobody (`.invalid` is reserved), so the list is simply empty.
pub const PROBE_CONTACT: &str = "ppdesk-doctor@example.invalid";

/// Everything the doctor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The language of the effective config, for [`render`].
    pub language: Language,
    pub mode: Mode,
    /// The config files looked for, highest priority first.
    pub files: Vec<FileLook>,
    /// Whether `--config` was given (then only that file is read).
    pub explicit: bool,
    pub settings: Vec<Setting>,
    /// Files or variables that cannot be used at all.
    pub errors: Vec<ConfigError>,
    /// Problems with values.
    pub problems: Vec<Problem>,
    pub checks: Vec<Check>,
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    /// As shown: secrets masked; None when not set.
    pub value: Option<String>,
    /// Where it was set.
    pub place: Place,
}

/// One connectivity step and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub step: Step,
    pub outcome: Outcome,
}

/// What was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `GET {url}` (the server's `/healthz`).
    ServerHealth { url: String },
    /// `GET {url}` (the ticket list) with the organisation token.
    OrgToken { url: String },
    /// Connect and log in to the SMTP relay.
    Smtp {
        host: String,
        port: u16,
        security: SmtpSecurity,
    },
    /// Look for the default program for `.eml` files.
    MailClient,
}

/// How a step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed(Passed),
    Failed(Failure),
    /// Not tried, because of something reported elsewhere.
    Skipped(Skip),
    /// Could not be checked here; not counted as a problem.
    CannotCheck(CannotCheck),
}

/// A step that worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Passed {
    /// The server answered 2xx.
    Answered,
    /// The ticket list came back: the token is accepted.
    TokenAccepted { tickets: usize, contact: String },
    /// The relay answered and accepted the login (if any).
    SmtpAccepted,
    /// The program that opens `.eml` files.
    MailHandler { handler: String },
}

/// A step that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No conversation with the other side at all.
    Unreachable {
        failure: NetFailure,
        /// The URL or `host:port`.
        target: String,
        /// The underlying error, for support.
        detail: String,
    },
    /// 401 or 403 on the ticket list.
    TokenRefused { status: u16 },
    /// 404 on the ticket list: not a ppdesk server with the agent API at that URL.
    ApiNotFound { url: String },
    /// Any other non-2xx answer, with the server's own message when it sent one.
    HttpStatus {
        status: u16,
        message: Option<String>,
    },
    /// The relay answered with a refusal (login refused, service unavailable…).
    SmtpRefused { detail: String },
    /// The relay accepted the connection but did not answer NOOP.
    SmtpNoAnswer,
    /// No program is set to open `.eml` files.
    NoMailHandler,
}

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetFailure {
    /// Nothing listens there.
    Refused,
    /// The host name cannot be resolved.
    Dns,
    /// The TLS handshake or the certificate check failed.
    Tls,
    /// No answer within [`TIMEOUT`].
    Timeout,
    Other,
}

/// Why a step was not tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A config file cannot be used: its errors come first.
    ConfigBroken,
    /// The key the step needs is missing or invalid (reported as a problem).
    NotConfigured { key: &'static str },
    /// The step before failed.
    EarlierFailed,
}

/// Why a step could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannotCheck {
    /// Linux without `xdg-mime`.
    XdgMimeMissing,
    /// The platform offers no way to ask.
    Platform,
    /// Asking failed.
    Other(String),
}

impl Report {
    /// Builds the report from what [`config::inspect`] found and the checks that were run.
    pub fn new(inspection: Inspection, explicit: bool, checks: Vec<Check>) -> Self {
        let Inspection { loaded, errors } = inspection;
        Self {
            language: loaded.config.language,
            mode: loaded.config.mode,
            explicit,
            settings: settings(&loaded),
            files: loaded.looked_at,
            errors,
            problems: loaded.problems,
            checks,
        }
    }

    /// Everything is fine: every file usable, no problem, every check passed (or could not be
    /// made on this platform).
    pub fn is_healthy(&self) -> bool {
        self.problem_count() == 0
            && self
                .checks
                .iter()
                .all(|check| matches!(check.outcome, Outcome::Passed(_) | Outcome::CannotCheck(_)))
    }

    /// Unusable files, problems and failed checks.
    pub fn problem_count(&self) -> usize {
        self.errors.len()
            + self.problems.len()
            + self
                .checks
                .iter()
                .filter(|check| matches!(check.outcome, Outcome::Failed(_)))
                .count()
    }
}

/// Reads the config (`explicit` is `--config F`) and, if every file is usable, checks the
/// connection of the configured mode.
pub fn examine(explicit: Option<&std::path::Path>) -> Report {
    let inspection = config::inspect(explicit);
    let checks = if inspection.errors.is_empty() {
        connectivity(&inspection.loaded.config)
    } else {
        skipped(&inspection.loaded.config, Skip::ConfigBroken)
    };
    Report::new(inspection, explicit.is_some(), checks)
}

/// The effective settings as the report shows them. The `[smtp]` keys are left out in the
/// other modes unless a file or variable sets them.
pub fn settings(loaded: &Loaded) -> Vec<Setting> {
    let config = &loaded.config;
    let smtp = &config.smtp;
    let yes_no = |flag: bool| Some(flag.to_string());
    let rows: [(&'static str, Option<String>); 15] = [
        ("mode", Some(config.mode.as_str().to_owned())),
        ("server_url", config.server_url.clone()),
        ("org_token", config.org_token.as_deref().map(mask_token)),
        ("helpdesk_email", config.helpdesk_email.clone()),
        ("phone", config.phone.clone()),
        ("language", Some(language_code(config.language).to_owned())),
        ("categories", Some(config.categories.join(", "))),
        (
            "contact.name",
            Some(config.contact_name.clone()).filter(|n| !n.is_empty()),
        ),
        ("contact.email", config.contact_email.clone()),
        ("capture.all_monitors", yes_no(config.capture_all_monitors)),
        ("smtp.host", smtp.host.clone()),
        ("smtp.port", Some(smtp.port.to_string())),
        (
            "smtp.security",
            Some(security_name(smtp.security).to_owned()),
        ),
        ("smtp.username", smtp.username.clone()),
        (
            "smtp.password",
            smtp.password.as_ref().map(|_| "••••••".to_owned()),
        ),
    ];
    rows.into_iter()
        .map(|(key, value)| Setting {
            key,
            value,
            place: loaded.place(key),
        })
        .filter(|setting| {
            config.mode == Mode::Smtp
                || !setting.key.starts_with("smtp.")
                || setting.place.source != config::Source::Default
        })
        .collect()
}

/// A token as the report shows it: its first 6 characters and "…" (enough to tell two tokens
/// apart on the phone, useless to anyone who overhears). Short values are hidden entirely.
pub fn mask_token(token: &str) -> String {
    const SHOWN: usize = 6;
    if token.chars().count() >= 3 * SHOWN {
        let start: String = token.chars().take(SHOWN).collect();
        format!("{start}…")
    } else {
        "…".to_owned()
    }
}

fn language_code(language: Language) -> &'static str {
    match language {
        Language::It => "it",
        Language::En => "en",
    }
}

/// The config form of a security setting.
pub fn security_name(security: SmtpSecurity) -> &'static str {
    match security {
        SmtpSecurity::Starttls => "starttls",
        SmtpSecurity::Tls => "tls",
        SmtpSecurity::None => "none",
    }
}

/// The steps of the configured mode, all marked as not tried for `why`.
pub fn skipped(config: &AgentConfig, why: Skip) -> Vec<Check> {
    let skip = |step| Check {
        step,
        outcome: Outcome::Skipped(why.clone()),
    };
    match config.mode {
        Mode::Api => {
            let base = config.server_url.clone().unwrap_or_default();
            vec![
                skip(Step::ServerHealth {
                    url: format!("{base}/healthz"),
                }),
                skip(Step::OrgToken {
                    url: format!("{base}{TICKETS_PATH}"),
                }),
            ]
        }
        Mode::Smtp => vec![skip(smtp_step(config))],
        Mode::MailClient => vec![skip(Step::MailClient)],
    }
}

/// Runs the connectivity steps of the configured mode.
pub fn connectivity(config: &AgentConfig) -> Vec<Check> {
    match config.mode {
        Mode::Api => check_api(config),
        Mode::Smtp => vec![check_smtp(config)],
        Mode::MailClient => vec![check_mail_client()],
    }
}

/// `GET /healthz`, then the ticket list with the token.
pub fn check_api(config: &AgentConfig) -> Vec<Check> {
    let Some(base) = config.server_url.as_deref().filter(|url| is_http_url(url)) else {
        return skipped(config, Skip::NotConfigured { key: "server_url" });
    };
    let ApiUrls {
        health: health_url,
        tickets: tickets_url,
        contact,
    } = api_urls(base, config.contact_email.as_deref());
    // The same client the API transport sends tickets with (same trust roots, same TLS).
    let client = crate::transport::api::client(TIMEOUT);
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            let failure = Outcome::Failed(Failure::Unreachable {
                failure: NetFailure::Other,
                target: health_url.clone(),
                detail: error.to_string(),
            });
            return vec![
                Check {
                    step: Step::ServerHealth { url: health_url },
                    outcome: failure,
                },
                Check {
                    step: Step::OrgToken { url: tickets_url },
                    outcome: Outcome::Skipped(Skip::EarlierFailed),
                },
            ];
        }
    };

    let health = match client.get(&health_url).send() {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().unwrap_or_default();
            health_outcome(status, &body)
        }
        Err(error) => Outcome::Failed(unreachable(&error, &health_url)),
    };
    let token = match token_to_try(&health, config.org_token.as_deref()) {
        Ok(token) => match client.get(&tickets_url).bearer_auth(token).send() {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().unwrap_or_default();
                tickets_outcome(status, &body, &contact, &tickets_url)
            }
            Err(error) => Outcome::Failed(unreachable(&error, &tickets_url)),
        },
        Err(why) => Outcome::Skipped(why),
    };
    vec![
        Check {
            step: Step::ServerHealth { url: health_url },
            outcome: health,
        },
        Check {
            step: Step::OrgToken { url: tickets_url },
            outcome: token,
        },
    ]
}

/// The URLs the api steps ask, and the contact the ticket list is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrls {
    /// `{base}/healthz`.
    pub health: String,
    /// `{base}/api/v1/tickets?contact=…`.
    pub tickets: String,
    /// The configured contact, else [`PROBE_CONTACT`].
    pub contact: String,
}

/// The URLs of the api steps for a server at `base` (a trailing `/` is ignored); the ticket
/// list is asked for `contact_email`, or for [`PROBE_CONTACT`] when the config names none.
pub fn api_urls(base: &str, contact_email: Option<&str>) -> ApiUrls {
    let base = base.trim_end_matches('/');
    let contact = contact_email.unwrap_or(PROBE_CONTACT).to_owned();
    let tickets = match reqwest::Url::parse(&format!("{base}{TICKETS_PATH}")) {
        Ok(mut url) => {
            url.query_pairs_mut().append_pair(CONTACT_QUERY, &contact);
            url.to_string()
        }
        Err(_) => format!("{base}{TICKETS_PATH}"),
    };
    ApiUrls {
        health: format!("{base}/healthz"),
        tickets,
        contact,
    }
}

/// Whether the token step is tried after `health`: the token to send, or why not.
pub fn token_to_try<'a>(health: &Outcome, token: Option<&'a str>) -> Result<&'a str, Skip> {
    if !matches!(health, Outcome::Passed(_)) {
        Err(Skip::EarlierFailed)
    } else {
        token.ok_or(Skip::NotConfigured { key: "org_token" })
    }
}

/// What `/healthz`'s answer means.
pub fn health_outcome(status: u16, body: &str) -> Outcome {
    if (200..300).contains(&status) {
        Outcome::Passed(Passed::Answered)
    } else {
        Outcome::Failed(Failure::HttpStatus {
            status,
            message: server_message(body),
        })
    }
}

/// What the ticket list's answer means.
pub fn tickets_outcome(status: u16, body: &str, contact: &str, url: &str) -> Outcome {
    match status {
        200..=299 => match serde_json::from_str::<Vec<TicketSummary>>(body) {
            Ok(tickets) => Outcome::Passed(Passed::TokenAccepted {
                tickets: tickets.len(),
                contact: contact.to_owned(),
            }),
            Err(error) => Outcome::Failed(Failure::HttpStatus {
                status,
                message: Some(format!("not a ticket list: {error}")),
            }),
        },
        401 | 403 => Outcome::Failed(Failure::TokenRefused { status }),
        404 => Outcome::Failed(Failure::ApiNotFound {
            url: url.to_owned(),
        }),
        _ => Outcome::Failed(Failure::HttpStatus {
            status,
            message: server_message(body),
        }),
    }
}

/// The message of an [`ApiError`] body, else the body's first line if it is short text.
fn server_message(body: &str) -> Option<String> {
    if let Ok(error) = serde_json::from_str::<ApiError>(body) {
        return Some(error.message);
    }
    let line = body.lines().next().unwrap_or_default().trim();
    (!line.is_empty() && line.chars().count() <= 200 && !line.starts_with('<'))
        .then(|| line.to_owned())
}

fn unreachable(error: &reqwest::Error, target: &str) -> Failure {
    let failure = if error.is_timeout() {
        NetFailure::Timeout
    } else {
        net_failure(error)
    };
    Failure::Unreachable {
        failure,
        target: target.to_owned(),
        detail: error_chain(error),
    }
}

/// Tells what kind of connection failure an error (and its causes) is.
pub fn net_failure(error: &(dyn StdError + 'static)) -> NetFailure {
    let mut texts = String::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return NetFailure::Refused,
                io::ErrorKind::TimedOut => return NetFailure::Timeout,
                _ => {}
            }
            // An io::Error's `source()` skips the error it wraps; rustls' hides there.
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return NetFailure::Tls;
            }
        }
        if error.downcast_ref::<rustls::Error>().is_some() {
            return NetFailure::Tls;
        }
        texts.push_str(&error.to_string().to_lowercase());
        texts.push('\n');
        current = error.source();
    }
    // Resolver and TLS errors reach us as text inside hyper's and lettre's own error types.
    let dns = [
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "nodename nor servname",
        "temporary failure in name resolution",
    ];
    if dns.iter().any(|needle| texts.contains(needle)) {
        NetFailure::Dns
    } else if texts.contains("connection refused") {
        NetFailure::Refused
    } else if [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ]
    .iter()
    .any(|needle| texts.contains(needle))
    {
        NetFailure::Tls
    } else if texts.contains("timed out") {
        NetFailure::Timeout
    } else {
        NetFailure::Other
    }
}

/// An error and its causes, one after the other, without repeats.
pub fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}

fn smtp_step(config: &AgentConfig) -> Step {
    Step::Smtp {
        host: config.smtp.host.clone().unwrap_or_default(),
        port: config.smtp.port,
        security: config.smtp.security,
    }
}

/// Connects to the relay with the configured security, logs in if configured, sends NOOP.
pub fn check_smtp(config: &AgentConfig) -> Check {
    use lettre::SmtpTransport;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Tls, TlsParameters};

    let step = smtp_step(config);
    let Some(host) = config.smtp.host.as_deref() else {
        return Check {
            step,
            outcome: Outcome::Skipped(Skip::NotConfigured { key: "smtp.host" }),
        };
    };
    if config.smtp.port == 0 {
        return Check {
            step,
            outcome: Outcome::Skipped(Skip::NotConfigured { key: "smtp.port" }),
        };
    }
    let target = format!("{host}:{}", config.smtp.port);
    crate::tls::install_crypto();
    // Built as `transport::smtp::build` builds it (same TLS modes), but with the doctor's
    // short timeout.
    let tls = match config.smtp.security {
        SmtpSecurity::None => Ok(Tls::None),
        security => TlsParameters::new(host.to_owned()).map(|parameters| match security {
            SmtpSecurity::Tls => Tls::Wrapper(parameters),
            _ => Tls::Required(parameters),
        }),
    };
    let builder = match tls {
        Ok(tls) => SmtpTransport::builder_dangerous(host)
            .port(config.smtp.port)
            .tls(tls)
            .timeout(Some(TIMEOUT)),
        Err(error) => {
            return Check {
                step,
                outcome: Outcome::Failed(Failure::Unreachable {
                    failure: NetFailure::Tls,
                    target,
                    detail: error_chain(&error),
                }),
            };
        }
    };
    let builder = match (&config.smtp.username, &config.smtp.password) {
        (Some(user), Some(password)) => {
            builder.credentials(Credentials::new(user.clone(), password.clone()))
        }
        _ => builder,
    };
    let outcome = match builder.build().test_connection() {
        Ok(true) => Outcome::Passed(Passed::SmtpAccepted),
        Ok(false) => Outcome::Failed(Failure::SmtpNoAnswer),
        Err(error) => Outcome::Failed(smtp_failure(
            smtp_error_kind(&error),
            error_chain(&error),
            &target,
        )),
    };
    Check { step, outcome }
}

/// What kind of error an SMTP attempt ended with, as lettre tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpErrorKind {
    /// The relay answered with a 4xx/5xx reply, or its answer could not be used.
    Refused,
    /// No answer within [`TIMEOUT`].
    Timeout,
    /// The TLS handshake or the certificate check failed.
    Tls,
    /// No conversation at all (connection, I/O), told apart by [`net_failure`].
    Connection(NetFailure),
}

fn smtp_error_kind(error: &lettre::transport::smtp::Error) -> SmtpErrorKind {
    if error.is_permanent() || error.is_transient() || error.is_client() {
        SmtpErrorKind::Refused
    } else if error.is_timeout() {
        SmtpErrorKind::Timeout
    } else if error.is_tls() {
        SmtpErrorKind::Tls
    } else {
        SmtpErrorKind::Connection(net_failure(error))
    }
}

/// What an SMTP error of `kind` means for the person: the relay's own words when it answered,
/// else why `target` could not be reached. `detail` is the error chain.
pub fn smtp_failure(kind: SmtpErrorKind, detail: String, target: &str) -> Failure {
    let failure = match kind {
        SmtpErrorKind::Refused => return Failure::SmtpRefused { detail },
        SmtpErrorKind::Timeout => NetFailure::Timeout,
        SmtpErrorKind::Tls => NetFailure::Tls,
        SmtpErrorKind::Connection(failure) => failure,
    };
    Failure::Unreachable {
        failure,
        target: target.to_owned(),
        detail,
    }
}

/// Asks the platform for the default program of `.eml` / `message/rfc822`.
pub fn check_mail_client() -> Check {
    Check {
        step: Step::MailClient,
        outcome: query_mail_handler(),
    }
}

#[cfg(target_os = "linux")]
fn query_mail_handler() -> Outcome {
    let output = std::process::Command::new("xdg-mime")
        .args(["query", "default", "message/rfc822"])
        .stdin(std::process::Stdio::null())
        .output()
        .map(|output| {
            (
                output.status.success(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
            )
        });
    xdg_mime_outcome(output)
}

#[cfg(windows)]
fn query_mail_handler() -> Outcome {
    use std::os::windows::process::CommandExt;
    // No console window flashes up when the tray's GUI process runs this.
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    let output = std::process::Command::new("cmd")
        .args(["/C", "assoc", ".eml"])
        .stdin(std::process::Stdio::null())
        .creation_flags(CREATE_NO_WINDOW)
        .output()
        .map(|output| {
            (
                output.status.success(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
            )
        });
    assoc_outcome(output)
}

#[cfg(not(any(target_os = "linux", windows)))]
fn query_mail_handler() -> Outcome {
    Outcome::CannotCheck(CannotCheck::Platform)
}

/// What `xdg-mime query default message/rfc822` said: the handler's `.desktop` name, or
/// nothing when none is set.
pub fn xdg_mime_outcome(output: io::Result<(bool, String)>) -> Outcome {
    match output {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            Outcome::CannotCheck(CannotCheck::XdgMimeMissing)
        }
        Err(error) => Outcome::CannotCheck(CannotCheck::Other(error.to_string())),
        Ok((_, stdout)) => match stdout.lines().map(str::trim).find(|l| !l.is_empty()) {
            Some(handler) => Outcome::Passed(Passed::MailHandler {
                handler: handler.to_owned(),
            }),
            None => Outcome::Failed(Failure::NoMailHandler),
        },
    }
}

/// What `assoc .eml` said: `.eml=ProgId` when a program is associated, an error otherwise.
pub fn assoc_outcome(output: io::Result<(bool, String)>) -> Outcome {
    match output {
        Err(error) => Outcome::CannotCheck(CannotCheck::Other(error.to_string())),
        Ok((success, stdout)) => {
            let handler = stdout
                .lines()
                .find_map(|line| line.trim().split_once('='))
                .map(|(_, prog_id)| prog_id.trim())
                .filter(|prog_id| !prog_id.is_empty());
            match handler {
                Some(handler) if success => Outcome::Passed(Passed::MailHandler {
                    handler: handler.to_owned(),
                }),
                _ => Outcome::Failed(Failure::NoMailHandler),
            }
        }
    }
}

/// The report as text, in the config's language.
pub fn render(report: &Report) -> String {
    let t = text::text(report.language);
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line(&fill(t.title, &[("version", env!("CARGO_PKG_VERSION"))]));
    line("");

    line(t.files_heading);
    if report.explicit {
        line(&format!("  {}", t.files_explicit_note));
    }
    let states: Vec<(&str, &str, String)> = report
        .files
        .iter()
        .map(|look| {
            let state = match look.state {
                FileState::Found => t.state_found,
                FileState::Missing => t.state_missing,
                FileState::Broken => t.state_broken,
            };
            let role = match look.source {
                config::Source::Machine(_) => t.role_machine,
                config::Source::User(_) => t.role_user,
                _ => t.role_explicit,
            };
            (state, role, look.source.to_string())
        })
        .collect();
    let state_width = states
        .iter()
        .map(|(s, _, _)| s.chars().count())
        .max()
        .unwrap_or(0);
    let role_width = states
        .iter()
        .map(|(_, r, _)| r.chars().count())
        .max()
        .unwrap_or(0);
    for (state, role, path) in &states {
        line(&format!(
            "  {state:<state_width$}  {role:<role_width$}  {path}"
        ));
    }
    if states.is_empty() {
        line(&format!("  {}", t.none));
    }
    line("");

    if !report.errors.is_empty() {
        line(t.errors_heading);
        for error in &report.errors {
            line(&format!("  {}{error}", t.mark_fail));
        }
        line("");
    }

    line(t.settings_heading);
    let key_width = report
        .settings
        .iter()
        .map(|s| s.key.len())
        .max()
        .unwrap_or(0);
    for setting in &report.settings {
        let value = setting.value.as_deref().unwrap_or(t.not_set);
        let place = if setting.key == "contact.name"
            && setting.place.source == config::Source::Default
            && setting.value.is_some()
        {
            t.default_from_os_user.to_owned()
        } else {
            text::place(report.language, &setting.place)
        };
        line(&format!(
            "  {:<key_width$} = {value}   ({place})",
            setting.key
        ));
    }
    line("");

    line(t.problems_heading);
    if report.problems.is_empty() {
        line(&format!("  {}", t.none));
    }
    for problem in &report.problems {
        line(&format!(
            "  {}{}",
            t.mark_fail,
            problem.describe(report.language)
        ));
    }
    if !report.problems.is_empty() || !report.errors.is_empty() {
        line(&format!("  {}", t.layering_hint));
    }
    line("");

    line(&fill(
        t.connection_heading,
        &[("mode", report.mode.as_str())],
    ));
    for check in &report.checks {
        let mark = match check.outcome {
            Outcome::Passed(_) => t.mark_ok,
            Outcome::Failed(_) => t.mark_fail,
            Outcome::Skipped(_) => t.mark_skip,
            Outcome::CannotCheck(_) => t.mark_info,
        };
        line(&format!(
            "  {mark}{}: {}",
            step_text(t, &check.step),
            outcome_text(t, &check.outcome)
        ));
    }
    line("");

    let count = report.problem_count();
    if report.is_healthy() {
        line(t.result_fine);
    } else {
        line(&fill(
            t.result_problems,
            &[("count", &count.max(1).to_string())],
        ));
    }
    out
}

fn step_text(t: &text::Doctor, step: &Step) -> String {
    match step {
        Step::ServerHealth { url } => fill(t.check_health, &[("url", url)]),
        Step::OrgToken { url } => fill(t.check_token, &[("url", url)]),
        Step::Smtp {
            host,
            port,
            security,
        } => fill(
            t.check_smtp,
            &[
                ("host", host),
                ("port", &port.to_string()),
                ("security", security_name(*security)),
            ],
        ),
        Step::MailClient => t.check_mail_client.to_owned(),
    }
}

fn outcome_text(t: &text::Doctor, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed(Passed::Answered) => t.passed_health.to_owned(),
        Outcome::Passed(Passed::TokenAccepted { tickets, contact }) => fill(
            t.passed_token,
            &[("count", &tickets.to_string()), ("contact", contact)],
        ),
        Outcome::Passed(Passed::SmtpAccepted) => t.passed_smtp.to_owned(),
        Outcome::Passed(Passed::MailHandler { handler }) => {
            fill(t.passed_mail_client, &[("handler", handler)])
        }
        Outcome::Failed(Failure::Unreachable {
            failure,
            target,
            detail,
        }) => {
            let template = match failure {
                NetFailure::Refused => t.unreachable_refused,
                NetFailure::Dns => t.unreachable_dns,
                NetFailure::Tls => t.unreachable_tls,
                NetFailure::Timeout => t.unreachable_timeout,
                NetFailure::Other => t.unreachable_other,
            };
            fill(
                template,
                &[
                    ("target", target),
                    ("detail", detail),
                    ("seconds", &TIMEOUT.as_secs().to_string()),
                ],
            )
        }
        Outcome::Failed(Failure::TokenRefused { status }) => {
            fill(t.token_refused, &[("status", &status.to_string())])
        }
        Outcome::Failed(Failure::ApiNotFound { url }) => fill(t.api_not_found, &[("url", url)]),
        Outcome::Failed(Failure::HttpStatus { status, message }) => {
            let message = message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            fill(
                t.http_status,
                &[("status", &status.to_string()), ("message", &message)],
            )
        }
        Outcome::Failed(Failure::SmtpRefused { detail }) => {
            fill(t.smtp_refused, &[("detail", detail)])
        }
        Outcome::Failed(Failure::SmtpNoAnswer) => t.smtp_no_noop.to_owned(),
        Outcome::Failed(Failure::NoMailHandler) => t.no_mail_handler.to_owned(),
        Outcome::Skipped(Skip::ConfigBroken) => t.skipped_config_broken.to_owned(),
        Outcome::Skipped(Skip::NotConfigured { key }) => {
            fill(t.skipped_not_configured, &[("key", key)])
        }
        Outcome::Skipped(Skip::EarlierFailed) => t.skipped_earlier_failed.to_owned(),
        Outcome::CannotCheck(why) => {
            let reason = match why {
                CannotCheck::XdgMimeMissing => t.xdg_mime_missing.to_owned(),
                CannotCheck::Platform => t.platform_cannot_check.to_owned(),
                CannotCheck::Other(reason) => reason.clone(),
            };
            fill(t.cannot_check, &[("reason", &reason)])
        }
    }
}

#[cfg(test)]
mod tests;
