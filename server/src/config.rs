//! The server configuration: one TOML file, every key optional.
//!
//! The embedded defaults run a working server on their own (SQLite and files under the platform
//! data directory, outbound mail written to a spool), so a first start needs no file at all.
//! Every struct denies unknown keys so a typo is reported instead of silently ignored, and every
//! problem is reported as `file:line: key.path: reason` (see [`ConfigProblem`]).
//!
//! Loading is three steps: serde parses (syntax, types, unknown keys: first error only, that is
//! all serde can give), [`Config::normalise`] lower-cases mail domains and addresses, and
//! [`Config::validate`] runs the cross-checks and reports *all* of their problems. Lines for the
//! latter are found by walking the same text with `toml_edit`, which keeps spans (see
//! [`locate`]).
//!
//! `ppdesk.example.toml` at the repository root documents every key with its default; a unit
//! test keeps it valid.

mod locate;
pub mod size;
pub mod sla;
mod validate;
pub mod web;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

pub use ppdesk_shared::ticket::Priority;
use serde::{Deserialize, Serialize};

pub use validate::{is_valid_domain, is_valid_email, name_problem, tag_class_problem};

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "PPDESK_CONFIG";

const MIB: u64 = 1024 * 1024;

/// The whole server configuration. `Config::default()` is what an empty file gives.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Who the helpdesk is: its address, name, portal and staff.
    pub helpdesk: HelpdeskConfig,
    /// Ticket numbering, contract classes and the reopen window.
    pub tickets: TicketsConfig,
    /// Where data lives and how big messages may be.
    pub storage: StorageConfig,
    /// Automatic "we received your request" replies.
    pub acknowledgement: AcknowledgementConfig,
    /// Outbound mail delivery and retries.
    pub outbox: OutboxConfig,
    /// Sectors, categories and the rules that route tickets to them.
    pub routing: RoutingConfig,
    /// Customer organisations, recognised by their mail domains (`[[organisations]]`).
    pub organisations: Vec<OrganisationConfig>,
    /// The HTTP listener and signing secret.
    pub server: ServerConfig,
    /// The helpdesk mailbox to take mail from (`[imap]`); absent = no mailbox intake.
    pub imap: Option<ImapConfig>,
    /// The built-in LMTP listener an MTA can deliver to.
    pub lmtp: LmtpConfig,
    /// The SMTP relay for `outbox.transport = "smtp"` (`[smtp]`).
    pub smtp: Option<SmtpConfig>,
    /// The HTTP API the tray agent uses (`[api]`): request size limits.
    pub api: ApiConfig,
    /// The web pages (`[web]`): public address, sessions, upload limits, sign-in throttling.
    pub web: web::WebConfig,
    /// Contractual response times (`[sla]`): business calendar and targets.
    pub sla: sla::SlaConfig,
}

/// `[api]`: limits of the HTTP API (`POST /api/v1/tickets`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Largest ticket submission, every part together, in bytes (integer or e.g. `"25 MiB"`).
    #[serde(deserialize_with = "size::deserialize")]
    pub max_request_bytes: u64,
    /// Largest single file in it (the screenshot or one attachment); at most
    /// `max_request_bytes`.
    #[serde(deserialize_with = "size::deserialize")]
    pub max_file_bytes: u64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_request_bytes: ppdesk_shared::api::limits::DEFAULT_MAX_REQUEST_BYTES,
            max_file_bytes: ppdesk_shared::api::limits::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// How a mail connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain connection upgraded with STARTTLS before logging in (IMAP 143, submission 587).
    Starttls,
    /// No encryption: only for a server on the same machine or a test.
    None,
}

/// How ppdesk logs in to the mailbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapAuth {
    /// LOGIN with username and password.
    #[default]
    Login,
    /// SASL XOAUTH2 with an OAuth access token in `password`/`password_file` (Microsoft 365,
    /// Google Workspace).
    Xoauth2,
}

/// `[imap]`: the helpdesk mailbox on the customer's existing mail server.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    /// Server host name.
    pub host: String,
    /// Port; default 993 with `tls = "tls"`, else 143.
    pub port: Option<u16>,
    /// `tls` (default), `starttls` or `none`.
    #[serde(default = "default_imap_tls")]
    pub tls: TlsMode,
    /// `login` (default) or `xoauth2`.
    #[serde(default)]
    pub auth: ImapAuth,
    pub username: String,
    /// The password (or OAuth token); prefer `password_file`.
    pub password: Option<String>,
    /// A file holding the password (or token), read at each login so a refreshed token is used.
    pub password_file: Option<PathBuf>,
    /// The folder new mail arrives in.
    #[serde(default = "default_inbox")]
    pub mailbox: String,
    /// Where taken messages are moved; created if missing.
    #[serde(default = "default_processed")]
    pub processed_folder: String,
    /// Where quarantined messages are moved; created if missing.
    #[serde(default = "default_quarantine")]
    pub quarantine_folder: String,
    /// Seconds between checks when the server has no IDLE (and the longest IDLE before
    /// re-checking, capped at 25 minutes as RFC 2177 advises).
    #[serde(default = "default_poll_secs")]
    pub poll_interval_secs: u64,
}

fn default_imap_tls() -> TlsMode {
    TlsMode::Tls
}
fn default_inbox() -> String {
    "INBOX".to_string()
}
fn default_processed() -> String {
    "Processed".to_string()
}
fn default_quarantine() -> String {
    "Quarantine".to_string()
}
fn default_poll_secs() -> u64 {
    60
}

impl ImapConfig {
    /// The port, defaulted from the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Tls => 993,
            _ => 143,
        })
    }
}

/// `[lmtp]`: the LMTP listener (RFC 2033) for an MTA delivering straight to ppdesk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LmtpConfig {
    pub enabled: bool,
    /// Socket address; loopback by default, as LMTP has no authentication.
    pub listen: String,
}

impl Default for LmtpConfig {
    fn default() -> Self {
        LmtpConfig {
            enabled: false,
            listen: "127.0.0.1:2424".to_string(),
        }
    }
}

/// `[smtp]`: the relay outbound mail is handed to.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Port; default 465 with `tls = "tls"`, 587 with `starttls`, 25 with `none`.
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default = "default_smtp_tls")]
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    /// Seconds before a connection or command is given up (a transient failure).
    #[serde(default = "default_smtp_timeout")]
    pub timeout_secs: u64,
}

fn default_smtp_tls() -> TlsMode {
    TlsMode::Starttls
}
fn default_smtp_timeout() -> u64 {
    30
}

impl SmtpConfig {
    /// The port, defaulted from the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Tls => 465,
            TlsMode::Starttls => 587,
            TlsMode::None => 25,
        })
    }
}

/// `[helpdesk]`: the identity of the helpdesk and who counts as staff.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HelpdeskConfig {
    /// The helpdesk mail address (From of outbound mail, mailbox of inbound mail).
    pub address: String,
    /// Display name in the From header.
    pub name: String,
    /// Base URL of the web portal, used in links inside mails; no trailing `/` after loading.
    pub portal_url: String,
    /// Language for customers whose organisation sets none.
    pub default_locale: Locale,
    /// Mail domains of the support company's staff (lower-cased on load).
    pub staff_domains: Vec<String>,
    /// Technician mail addresses (lower-cased on load).
    pub technicians: Vec<String>,
    /// Phone support number shown in mails, if any.
    pub phone: Option<String>,
}

impl Default for HelpdeskConfig {
    fn default() -> Self {
        HelpdeskConfig {
            address: "helpdesk@ppdesk.localhost".to_string(),
            name: "ppdesk Helpdesk".to_string(),
            portal_url: "http://127.0.0.1:8080".to_string(),
            default_locale: Locale::It,
            staff_domains: Vec::new(),
            technicians: Vec::new(),
            phone: None,
        }
    }
}

/// A user-facing language. Italian first: the customers are Italian companies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Italian (`it`).
    #[default]
    It,
    /// English (`en`).
    En,
}

impl Locale {
    /// The language code as written in the config (`"it"`, `"en"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::It => "it",
            Locale::En => "en",
        }
    }
}

impl std::str::FromStr for Locale {
    type Err = String;

    /// `it` or `en`, any case, surrounding spaces ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "it" => Ok(Locale::It),
            "en" => Ok(Locale::En),
            _ => Err(format!("unknown language {text:?} (it or en)")),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[tickets]`: numbering, contract classes, reopen window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TicketsConfig {
    /// Contract classes, shown in the subject tag `#<Class># Ticket #[n]`.
    pub classes: Vec<String>,
    /// Class of customers whose organisation sets none; must be in `classes`.
    pub default_class: String,
    /// Days after resolution during which a reply or the portal reopens the ticket (0..=365).
    pub reopen_window_days: u32,
    /// Number of the first ticket ever created.
    pub first_number: u64,
}

impl Default for TicketsConfig {
    fn default() -> Self {
        TicketsConfig {
            classes: vec!["Standard".to_string()],
            default_class: "Standard".to_string(),
            reopen_window_days: 7,
            first_number: 10_000,
        }
    }
}

/// `[storage]`: data directory and size limits.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Where the database and files live; `None` = [`default_data_dir`]. The CLI `--data-dir`
    /// flag wins over this.
    pub data_dir: Option<PathBuf>,
    /// Largest inbound message accepted, in bytes (integer or e.g. `"50 MiB"`).
    #[serde(deserialize_with = "size::deserialize")]
    pub max_message_bytes: u64,
    /// Largest single attachment accepted, in bytes; at most `max_message_bytes`.
    #[serde(deserialize_with = "size::deserialize")]
    pub max_attachment_bytes: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data_dir: None,
            max_message_bytes: 50 * MIB,
            max_attachment_bytes: 25 * MIB,
        }
    }
}

impl StorageConfig {
    /// The configured data directory, or the platform default. (The CLI flag, when given, is
    /// applied by the caller before this.)
    pub fn data_dir_or_default(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }
}

/// `[acknowledgement]`: the automatic reply to a new ticket.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AcknowledgementConfig {
    /// Whether acknowledgements are sent at all.
    pub enabled: bool,
    /// At most this many acknowledgements per sender per hour, so two auto-responders cannot
    /// mail each other forever.
    pub max_per_sender_per_hour: u32,
}

impl Default for AcknowledgementConfig {
    fn default() -> Self {
        AcknowledgementConfig {
            enabled: true,
            max_per_sender_per_hour: 5,
        }
    }
}

/// `[outbox]`: how outbound mail leaves and how failures are retried.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// How mail is delivered.
    pub transport: TransportKind,
    /// Spool directory for [`TransportKind::Spool`]; `None` = `<data_dir>/spool/outbound`.
    pub spool_dir: Option<PathBuf>,
    /// Delivery attempts before a message is given up (and shown to technicians).
    pub max_attempts: u32,
    /// Wait before the first retry; doubled after each failure.
    pub initial_backoff_secs: u64,
    /// Upper bound of the retry wait; at least `initial_backoff_secs`.
    pub max_backoff_secs: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            transport: TransportKind::Spool,
            spool_dir: None,
            max_attempts: 12,
            initial_backoff_secs: 30,
            max_backoff_secs: 3600,
        }
    }
}

impl OutboxConfig {
    /// The spool directory: the configured one, else `<data_dir>/spool/outbound`.
    pub fn spool_dir_in(&self, data_dir: &Path) -> PathBuf {
        self.spool_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("spool").join("outbound"))
    }
}

/// How outbound mail is delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// Write each message as a file into the spool directory, for an MTA or a test to pick up.
    #[default]
    Spool,
    /// Hand each message to the relay in `[smtp]`.
    Smtp,
}

/// `[routing]`: sectors, categories and routing rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingConfig {
    /// Sectors (departments) that can be in charge of a ticket.
    pub sectors: Vec<String>,
    /// Sector of tickets no rule matches; must be in `sectors`.
    pub default_sector: String,
    /// Ticket categories offered to customers and technicians.
    pub categories: Vec<String>,
    /// Rules tried in order; the first that matches sets sector (and category/priority).
    pub rules: Vec<RoutingRule>,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            sectors: vec!["Helpdesk".to_string()],
            default_sector: "Helpdesk".to_string(),
            categories: ["Amministrazione", "Mago", "Web"]
                .map(String::from)
                .to_vec(),
            rules: Vec::new(),
        }
    }
}

/// `[[routing.rules]]`: a rule matches if ANY of its keywords, sender domains or channel
/// categories match.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingRule {
    /// Label for logs and the console.
    pub name: Option<String>,
    /// Sector to put the ticket in; must be in `routing.sectors`.
    pub sector: String,
    /// Category to set; must be in `routing.categories`.
    pub category: Option<String>,
    /// Priority to set (`low`, `normal`, `high`, `urgent`).
    pub priority: Option<Priority>,
    /// Case-insensitive substrings searched in subject and body.
    pub keywords: Vec<String>,
    /// Sender mail domains (lower-cased on load).
    pub sender_domains: Vec<String>,
    /// Categories chosen by the customer in the agent or portal; each in `routing.categories`.
    pub when_category: Vec<String>,
}

/// `[[organisations]]`: a customer company.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationConfig {
    /// Company name; unique.
    pub name: String,
    /// Its mail domains (lower-cased on load); a domain belongs to one organisation only.
    pub domains: Vec<String>,
    /// Contract class; must be in `tickets.classes`; `None` = `tickets.default_class`.
    pub class: Option<String>,
    /// Language of its mails; `None` = `helpdesk.default_locale`.
    pub locale: Option<Locale>,
}

/// `[server]`: HTTP listener and secret.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Socket address of the portal/API listener.
    pub listen: String,
    /// Hex key (at least 32 hex digits) signing our Message-IDs; `None` = generated and stored
    /// in the data directory on first start.
    pub secret: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".to_string(),
            secret: None,
        }
    }
}

/// One thing wrong with a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The file as the user named it (or a label such as `<embedded>`); empty if unknown.
    pub file: String,
    /// 1-based line, when it could be located.
    pub line: Option<usize>,
    /// Key path such as `routing.rules[1].sector`; empty for syntax errors outside any key.
    pub key: String,
    /// What is wrong, in plain English.
    pub reason: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut prefix = self.file.clone();
        if let Some(line) = self.line {
            prefix = format!("{prefix}:{line}");
        }
        if !prefix.is_empty() {
            write!(f, "{prefix}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.reason)
    }
}

/// Why a config could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file was read but is wrong; lists every problem found, one per line.
    #[error("{}", display_problems(.0))]
    Invalid(Vec<ConfigProblem>),
}

fn display_problems(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Config {
    /// Reads, parses, normalises and validates the file at `path`. Problems name the file as
    /// given.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml_str(&text, &path.display().to_string())
    }

    /// Parses, normalises and validates `text`; `file_label` is used in problem messages.
    pub fn from_toml_str(text: &str, file_label: &str) -> Result<Config, ConfigError> {
        // Windows editors like to add a BOM, which TOML does not allow. Replacing it with a space
        // (not removing it) keeps every byte offset, hence every span, unchanged.
        let owned;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                owned = format!("{:width$}{rest}", "", width = '\u{feff}'.len_utf8());
                owned.as_str()
            }
            None => text,
        };
        // serde stops at the first bad value. To report them all, each bad key is taken out
        // (its default stands in) and the text parsed again, until it parses or the problem
        // cannot be located. Lines always refer to the file as written.
        let original = locate::SpanIndex::new(text);
        let mut problems = Vec::new();
        let mut current = text.to_string();
        let mut config: Config = loop {
            match toml::from_str(&current) {
                Ok(config) => break config,
                Err(e) => {
                    let mut problem = parse_problem(&current, file_label, &e);
                    let path = locate::parse_path(&problem.key);
                    if current != text {
                        problem.line = original
                            .as_ref()
                            .and_then(|index| index.span_of(&path))
                            .map(|span| locate::line_col(text, span.start).0)
                            .or(problem.line);
                    }
                    problems.push(problem);
                    match locate::without(&current, &path) {
                        Some(next) if !path.is_empty() && problems.len() < 100 => current = next,
                        _ => return Err(ConfigError::Invalid(problems)),
                    }
                }
            }
        };
        config.normalise();
        let mut semantic = config.validate();
        if semantic.is_empty() && problems.is_empty() {
            return Ok(config);
        }
        let index = locate::SpanIndex::new(text);
        for problem in &mut semantic {
            problem.file = file_label.to_string();
            problem.line = index
                .as_ref()
                .and_then(|index| index.span_of(&locate::parse_path(&problem.key)))
                .map(|span| locate::line_col(text, span.start).0);
        }
        // A key that could not be read was replaced by its default; checks on that default, or
        // on the table that lost it (a rule left with no condition), would only echo it.
        semantic.retain(|s| {
            !problems.iter().any(|p| {
                p.key == s.key
                    || p.key
                        .strip_prefix(s.key.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
        });
        problems.extend(semantic);
        // Validation runs section by section; reading the list top to bottom alongside the file
        // is easier. The sort is stable, so problems on one line keep their order.
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Err(ConfigError::Invalid(problems))
    }

    /// Brings values into canonical form: mail domains and addresses lower-cased and trimmed (a
    /// leading `@` on a domain is dropped), the portal URL without trailing `/`. Idempotent;
    /// [`Config::load`] and [`Config::from_toml_str`] call it before validating.
    pub fn normalise(&mut self) {
        fn address(a: &mut String) {
            *a = a.trim().to_lowercase();
        }
        fn domain(d: &mut String) {
            let lower = d.trim().to_lowercase();
            *d = lower.strip_prefix('@').unwrap_or(&lower).to_string();
        }
        let h = &mut self.helpdesk;
        address(&mut h.address);
        h.technicians.iter_mut().for_each(address);
        h.staff_domains.iter_mut().for_each(domain);
        while h.portal_url.ends_with('/') && !h.portal_url.ends_with("://") {
            h.portal_url.pop();
        }
        for rule in &mut self.routing.rules {
            rule.sender_domains.iter_mut().for_each(domain);
        }
        for org in &mut self.organisations {
            org.domains.iter_mut().for_each(domain);
        }
    }

    /// Semantic checks that serde cannot do: cross-references (classes, sectors, categories),
    /// ranges, address/URL/socket formats, duplicate organisation domains. Returns every problem
    /// found (empty = valid) with `file` empty and `line` `None`; [`Config::from_toml_str`] fills
    /// those in. Expects a normalised config (domains compared as written).
    pub fn validate(&self) -> Vec<ConfigProblem> {
        let mut problems = validate::validate(self);
        problems.extend(sla::validate(self));
        problems
    }

    /// The organisation owning mail `domain` (case-insensitive; a full address is accepted too).
    pub fn organisation_for_domain(&self, domain: &str) -> Option<&OrganisationConfig> {
        let domain = domain_of(domain);
        self.organisations
            .iter()
            .find(|org| org.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
    }

    /// Contract class of a customer: the organisation's, else `tickets.default_class`.
    pub fn class_for<'a>(&'a self, org: Option<&'a OrganisationConfig>) -> &'a str {
        org.and_then(|o| o.class.as_deref())
            .unwrap_or(&self.tickets.default_class)
    }

    /// Language for a customer: the organisation's, else `helpdesk.default_locale`.
    pub fn locale_for(&self, org: Option<&OrganisationConfig>) -> Locale {
        org.and_then(|o| o.locale)
            .unwrap_or(self.helpdesk.default_locale)
    }

    /// Whether `address` belongs to the support company: a listed technician, or any address in
    /// a staff domain. Case-insensitive.
    pub fn is_staff(&self, address: &str) -> bool {
        let address = address.trim();
        if self
            .helpdesk
            .technicians
            .iter()
            .any(|t| t.eq_ignore_ascii_case(address))
        {
            return true;
        }
        address.contains('@')
            && self
                .helpdesk
                .staff_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain_of(address)))
    }
}

/// The domain part of an address (after the last `@`), or the input itself if it has none;
/// trailing dots (fully-qualified form) are ignored.
fn domain_of(address_or_domain: &str) -> &str {
    let s = address_or_domain.trim();
    let s = s.rsplit_once('@').map_or(s, |(_, d)| d);
    s.trim_end_matches('.')
}

/// Turns a `toml` error (syntax, type, unknown key) into a problem with line and key path.
fn parse_problem(text: &str, file_label: &str, error: &toml::de::Error) -> ConfigProblem {
    let span = error.span();
    let line = span
        .as_ref()
        .map(|span| locate::line_col(text, span.start).0);
    // The key path is only recoverable when the text is syntactically valid TOML, i.e. for type
    // and unknown-key errors; that is where it matters most.
    let key = span
        .as_ref()
        .and_then(|span| {
            let index = locate::SpanIndex::new(text)?;
            index.path_at(span.start).map(locate::format_path)
        })
        .unwrap_or_default();
    // serde speaks Rust ("expected u32"); admins do not.
    let mut reason = error
        .message()
        .trim()
        .replace("expected u32", "expected a whole number (0 or more)")
        .replace("expected u64", "expected a whole number (0 or more)");
    // Without a key path (syntax errors), quote the offending text so "duplicate key" says which.
    if key.is_empty()
        && let Some(snippet) = span
            .and_then(|span| text.get(span))
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 40 && !s.contains('\n'))
    {
        reason = format!("{reason} (at `{snippet}`)");
    }
    ConfigProblem {
        file: file_label.to_string(),
        line,
        key,
        reason,
    }
}

/// The platform data directory (`~/.local/share/ppdesk` on Linux, `%APPDATA%\projectpp\ppdesk\data`
/// on Windows), or `./ppdesk-data` where the platform has none (e.g. no home directory).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("it", "projectpp", "ppdesk")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("./ppdesk-data"))
}

/// The config file to load: the CLI flag, else `$PPDESK_CONFIG` (if set and non-empty), else
/// `None`, meaning the embedded defaults.
pub fn resolve_config_path(cli: Option<PathBuf>) -> Option<PathBuf> {
    resolve_config_path_from(cli, std::env::var_os(CONFIG_ENV))
}

/// [`resolve_config_path`] with the environment value passed in (testable without touching the
/// process environment).
fn resolve_config_path_from(cli: Option<PathBuf>, env: Option<OsString>) -> Option<PathBuf> {
    cli.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
}

#[cfg(test)]
mod tests;
