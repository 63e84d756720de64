//! Test harness for ppdesk: drives the real `ppdesk-server` binary through its command line, the
//! way an MTA pipe, a technician's shell or a monitoring probe would.
//!
//! - [`TestDesk`]: a fresh data directory (and config file) per test, with one method per CLI verb.
//! - [`Outcome`]: the JSON line `ingest` prints for every message.
//! - [`SpooledMail`]: an outbound `.eml` from `<data-dir>/spool/outbound/`, parsed for assertions.
//! - [`Mail`]: a builder for generated messages (the story itself is told by `.eml` fixtures).
//! - [`http`]: one-shot HTTP requests and multipart forms for the agent API.
//! - [`browser`]: a headless Chromium over WebDriver for the web pages' browser tests.
//! - [`web`]: a signed-in HTTP client (cookies, CSRF token, forms) for the web pages' tests.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wait_timeout::ChildExt;

pub mod browser;
pub mod http;
pub mod mail_servers;
pub mod web;

/// Environment variable that overrides where the server binary is looked up.
pub const SERVER_BIN_ENV: &str = "PPDESK_SERVER_BIN";

/// The helpdesk address used by every fixture config (the procedure's own address).
pub const HELPDESK_ADDRESS: &str = "helpdesk@projectpp.it";

/// How long one CLI invocation may take before the harness kills it and fails the test.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// `tests/fixtures`, the folder with the `.eml` stories and configs.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The config every [`TestDesk::new`] uses: `tests/fixtures/config/default.toml`.
pub fn default_config() -> String {
    let path = fixtures_dir().join("config").join("default.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the default test config {}: {e}",
            path.display()
        )
    })
}

/// Locates the `ppdesk-server` binary: `$PPDESK_SERVER_BIN`, else next to the running executable
/// (`target/debug/` for a bin, `target/debug/deps/../` for a test).
pub fn server_bin() -> PathBuf {
    workspace_bin("ppdesk-server", SERVER_BIN_ENV)
}

/// Environment variable naming the `ppdesk-agent` binary to test (default: next to the tests).
pub const AGENT_BIN_ENV: &str = "PPDESK_AGENT_BIN";

/// Locates the `ppdesk-agent` binary: `$PPDESK_AGENT_BIN`, else next to the running executable.
pub fn agent_bin() -> PathBuf {
    workspace_bin("ppdesk-agent", AGENT_BIN_ENV)
}

/// A binary of this workspace: `$env_var` if set, else built next to the running executable.
pub fn workspace_bin(stem: &str, env_var: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env_var) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env_var}={} does not name a file",
            path.display()
        );
        return path;
    }
    let exe = std::env::current_exe().expect("the path of the running test executable");
    let dir = exe
        .parent()
        .expect("the test executable has a parent folder");
    let name = format!("{stem}{}", std::env::consts::EXE_SUFFIX);
    let candidates = [dir.join(&name), dir.join("..").join(&name)];
    for candidate in &candidates {
        if candidate.is_file() {
            return candidate.clone();
        }
    }
    panic!(
        "{stem} binary not found (looked at {} and {}). Build it first with \
         `cargo build --workspace --bins` (same CARGO_TARGET_DIR as the tests), or point \
         {env_var} at it.",
        candidates[0].display(),
        candidates[1].display()
    );
}

/// What a finished CLI invocation left behind.
#[derive(Debug)]
pub struct RunOutput {
    /// The command line, for failure messages.
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl RunOutput {
    /// The exit code (`None` when killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Panics unless the command exited 0 and did not panic.
    pub fn assert_success(&self) -> &Self {
        self.assert_no_panic();
        assert!(
            self.status.success(),
            "`{}` failed with {}\n{}",
            self.command,
            self.status,
            self.transcript()
        );
        self
    }

    /// Panics if the server reported a Rust panic on stderr.
    pub fn assert_no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "`{}` panicked\n{}",
            self.command,
            self.transcript()
        );
        self
    }

    /// stdout and stderr, for failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }

    /// stdout parsed as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "`{}` did not print JSON: {e}\n{}",
                self.command,
                self.transcript()
            )
        })
    }
}

/// The JSON line `ingest` prints for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// created | appended | reopened | duplicate | ignored | quarantined
    pub outcome: String,
    pub ticket: Option<u64>,
    pub acknowledged: bool,
    /// Only with `ingest --dir`: the file name relative to the folder.
    pub file: Option<String>,
    /// The whole object, for fields beyond the contract (e.g. a quarantine reason).
    pub raw: Value,
}

/// Every outcome the contract allows.
pub const OUTCOMES: [&str; 6] = [
    "created",
    "appended",
    "reopened",
    "duplicate",
    "ignored",
    "quarantined",
];

impl Outcome {
    /// Parses one `ingest` output line, checking its shape against the contract.
    pub fn parse(line: &str) -> Result<Outcome, String> {
        let raw: Value =
            serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line:?}"))?;
        let obj = raw
            .as_object()
            .ok_or_else(|| format!("not a JSON object: {line}"))?;
        let outcome = obj
            .get("outcome")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no string \"outcome\": {line}"))?
            .to_string();
        if !OUTCOMES.contains(&outcome.as_str()) {
            return Err(format!("unknown outcome {outcome:?}: {line}"));
        }
        let ticket = match obj.get("ticket") {
            Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| format!("\"ticket\" is neither a number nor null: {line}"))?,
            ),
            None => {
                return Err(format!(
                    "no \"ticket\" key (must be a number or null): {line}"
                ));
            }
        };
        let acknowledged = obj
            .get("acknowledged")
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("no boolean \"acknowledged\": {line}"))?;
        let file = match obj.get("file") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| format!("\"file\" is not a string: {line}"))?
                    .to_string(),
            ),
        };
        Ok(Outcome {
            outcome,
            ticket,
            acknowledged,
            file,
            raw,
        })
    }
}

/// One helpdesk installation: its own data directory and config file, removed on drop.
pub struct TestDesk {
    dir: tempfile::TempDir,
    config: Option<PathBuf>,
}

impl Default for TestDesk {
    fn default() -> Self {
        Self::new()
    }
}

impl TestDesk {
    /// A desk with the default test config (`tests/fixtures/config/default.toml`).
    pub fn new() -> Self {
        Self::with_config(&default_config())
    }

    /// A desk with this config TOML.
    pub fn with_config(toml: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ppdesk-e2e-")
            .tempdir()
            .expect("create a temp dir for the desk");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, toml).expect("write the desk config");
        std::fs::create_dir(dir.path().join("data")).expect("create the data dir");
        TestDesk {
            dir,
            config: Some(config),
        }
    }

    /// A desk with no `--config` at all: the server's built-in defaults.
    pub fn without_config() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ppdesk-e2e-")
            .tempdir()
            .expect("create a temp dir for the desk");
        std::fs::create_dir(dir.path().join("data")).expect("create the data dir");
        TestDesk { dir, config: None }
    }

    /// The `--data-dir`.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The `--config` file, if any.
    pub fn config_path(&self) -> Option<&Path> {
        self.config.as_deref()
    }

    /// A scratch folder that is removed with the desk (for body files and the like).
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// `ppdesk-server [--config F] --data-dir D <args>`, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(server_bin());
        if let Some(config) = &self.config {
            cmd.arg("--config").arg(config);
        }
        cmd.arg("--data-dir").arg(self.data_dir());
        cmd.args(args);
        cmd.env("RUST_BACKTRACE", "1");
        cmd
    }

    /// Runs `ppdesk-server <global options> <args>` with empty stdin.
    pub fn run(&self, args: &[&str]) -> RunOutput {
        run_command(self.command(args), None)
    }

    /// Like [`TestDesk::run`], for commands that may take long (a whole folder of mail).
    pub fn run_for(&self, args: &[&str], timeout: Duration) -> RunOutput {
        run_command_with_timeout(self.command(args), None, timeout)
    }

    /// Runs `ppdesk-server <global options> <args>` with these bytes on stdin.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> RunOutput {
        run_command(self.command(args), Some(stdin))
    }

    /// `ingest` one message from stdin, checking the process contract: exit 0, no panic, exactly
    /// one JSON line of the documented shape.
    pub fn ingest(&self, message: &[u8]) -> Outcome {
        let out = self.run_with_stdin(&["ingest"], message);
        out.assert_success();
        let lines: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "`ingest` must print exactly one JSON line\n{}",
            out.transcript()
        );
        Outcome::parse(lines[0]).unwrap_or_else(|e| panic!("`ingest` output: {e}"))
    }

    /// `ingest` a file from disk.
    pub fn ingest_file(&self, path: &Path) -> Outcome {
        let bytes = std::fs::read(path)
            .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
        self.ingest(&bytes)
    }

    /// `ingest --dir PATH`: exit 0, no panic, one JSON line per file, each with `"file"`.
    pub fn ingest_dir(&self, dir: &Path) -> Vec<Outcome> {
        let dir_arg = dir.to_str().expect("UTF-8 fixture path");
        let out = self.run(&["ingest", "--dir", dir_arg]);
        out.assert_success();
        out.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Outcome::parse(l).unwrap_or_else(|e| panic!("`ingest --dir` output: {e}")))
            .collect()
    }

    /// `ticket show N --json`.
    pub fn show(&self, number: u64) -> Value {
        let n = number.to_string();
        let out = self.run(&["ticket", "show", &n, "--json"]);
        out.assert_success();
        let value = out.json();
        assert!(
            value.is_object(),
            "`ticket show {n} --json` must print one JSON object, got {value}"
        );
        value
    }

    /// `ticket list --json`.
    pub fn list(&self) -> Vec<Value> {
        let out = self.run(&["ticket", "list", "--json"]);
        out.assert_success();
        match out.json() {
            Value::Array(items) => items,
            other => panic!("`ticket list --json` must print a JSON array, got {other}"),
        }
    }

    /// The outbound spool folder, `<data-dir>/spool/outbound`.
    pub fn spool_dir(&self) -> PathBuf {
        self.data_dir().join("spool").join("outbound")
    }

    /// Every `.eml` in the outbound spool, sorted by file name.
    pub fn spool(&self) -> Vec<SpooledMail> {
        let dir = self.spool_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .map(|e| e.expect("read a spool entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort();
        paths.iter().map(|p| SpooledMail::read(p)).collect()
    }

    /// The names of the spooled files, to tell which mails one step added.
    pub fn spool_names(&self) -> BTreeSet<String> {
        self.spool()
            .iter()
            .map(|m| m.file_name().to_string())
            .collect()
    }

    /// Spooled mails whose file name is not in `before`.
    pub fn spool_since(&self, before: &BTreeSet<String>) -> Vec<SpooledMail> {
        self.spool()
            .into_iter()
            .filter(|m| !before.contains(m.file_name()))
            .collect()
    }
}

/// Runs a command to completion (killing it after [`COMMAND_TIMEOUT`]) and captures its output.
pub fn run_command(cmd: Command, stdin: Option<&[u8]>) -> RunOutput {
    run_command_with_timeout(cmd, stdin, COMMAND_TIMEOUT)
}

/// Runs a command to completion and captures its output; panics if it outlives `timeout`.
pub fn run_command_with_timeout(
    mut cmd: Command,
    stdin: Option<&[u8]>,
    timeout: Duration,
) -> RunOutput {
    let description = format!("{cmd:?}");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("piped stdin");
        let bytes = bytes.to_vec();
        // A server that exits before reading all of stdin is the server's business; ignore EPIPE.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut stdout_pipe = child.stdout.take().expect("piped stdout");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });
    let status = match child.wait_timeout(timeout).expect("wait for child") {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{description} did not finish within {timeout:?}");
        }
    };
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = err_reader.join().expect("stderr reader");
    RunOutput {
        command: description,
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// One outbound message from the spool, parsed.
#[derive(Debug, Clone)]
pub struct SpooledMail {
    pub path: PathBuf,
    pub raw: Vec<u8>,
    /// Header fields in order, unfolded, values as written (not decoded).
    pub headers: Vec<(String, String)>,
    /// Decoded Subject.
    pub subject: String,
    /// Decoded text body (the first text part; HTML turned to text when there is none).
    pub body: String,
    /// Lower-cased To addresses.
    pub to: Vec<String>,
}

impl SpooledMail {
    pub fn read(path: &Path) -> SpooledMail {
        let raw = std::fs::read(path)
            .unwrap_or_else(|e| panic!("cannot read spooled mail {}: {e}", path.display()));
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("spooled mail {} is not parseable", path.display()));
        let subject = parsed.subject().unwrap_or_default().to_string();
        let body = parsed
            .body_text(0)
            .map(|b| b.into_owned())
            .unwrap_or_default();
        let to = parsed
            .to()
            .map(|a| {
                a.iter()
                    .filter_map(|addr| addr.address())
                    .map(str::to_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        SpooledMail {
            path: path.to_path_buf(),
            headers: raw_headers(&raw),
            raw,
            subject,
            body,
            to,
        }
    }

    pub fn file_name(&self) -> &str {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    }

    /// The first header with this name (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// The Message-ID as written, angle brackets included.
    pub fn message_id(&self) -> Option<&str> {
        self.header("Message-ID")
    }

    /// The message ids listed in a header such as References (`<a> <b>`).
    pub fn ids_in(&self, header: &str) -> Vec<String> {
        self.header(header).map(message_ids).unwrap_or_default()
    }

    /// A short description for failure messages.
    pub fn summary(&self) -> String {
        format!(
            "{} (To: {:?}, Subject: {:?})",
            self.file_name(),
            self.to,
            self.subject
        )
    }
}

/// Splits a raw message's header block into unfolded `(name, value)` pairs.
pub fn raw_headers(raw: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    headers
}

/// `<a@b> <c@d>` → `["<a@b>", "<c@d>"]`.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        ids.push(rest[start..start + len + 1].to_string());
        rest = &rest[start + len + 1..];
    }
    ids
}

/// Strips the angle brackets of a message id, if any.
pub fn bare_id(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}

/// The subject tag of ticket `number` for the default class.
pub fn tag(number: u64) -> String {
    format!("#Standard# Ticket #[{number:05}]")
}

/// Lower-case words of a text (letters only).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

const ITALIAN_MARKERS: &[&str] = &[
    "il",
    "la",
    "di",
    "che",
    "per",
    "del",
    "della",
    "non",
    "sono",
    "è",
    "abbiamo",
    "ricevuto",
    "richiesta",
    "grazie",
    "gentile",
    "cordiali",
    "saluti",
    "nostro",
    "nostri",
    "sua",
    "vostra",
    "settore",
    "rispondere",
    "risposte",
    "oggetto",
    "indirizzo",
    "numero",
    "carico",
    "preso",
    "presa",
];

const ENGLISH_MARKERS: &[&str] = &[
    "the", "your", "we", "have", "has", "received", "request", "thank", "thanks", "dear",
    "regards", "please", "our", "with", "is", "of", "to", "reply", "replies", "subject", "address",
    "number", "keep",
];

fn count_markers(text: &str, markers: &[&str]) -> usize {
    words(text)
        .iter()
        .filter(|w| markers.contains(&w.as_str()))
        .count()
}

/// True when a text reads as Italian rather than English (function-word count).
pub fn looks_italian(text: &str) -> bool {
    let it = count_markers(text, ITALIAN_MARKERS);
    let en = count_markers(text, ENGLISH_MARKERS);
    it >= 3 && it > en * 2
}

/// True when a text reads as English rather than Italian (function-word count).
pub fn looks_english(text: &str) -> bool {
    let it = count_markers(text, ITALIAN_MARKERS);
    let en = count_markers(text, ENGLISH_MARKERS);
    en >= 3 && en > it * 2
}

/// Collapses every run of whitespace (Unicode included) to one space and trims.
pub fn normalize_ws(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A loopback address with a port that was free a moment ago.
pub fn free_local_addr() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a probe port");
    let addr = listener.local_addr().expect("probe port address");
    format!("{addr}")
}

/// An address where nothing listens, ever: test servers bind 127.0.0.1 only, and Linux routes
/// all of 127/8 to loopback, so a connection here is refused at once. (A port that
/// [`free_local_addr`] found free may be taken by a parallel test's server a moment later.)
pub fn dead_local_addr() -> String {
    "127.0.0.2:9".to_owned()
}

/// A minimal HTTP/1.1 GET; returns the status code and body. `Err` when nothing answers.
pub fn http_get(addr: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("not an HTTP response: {text:?}"),
            )
        })?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Builds a plain-text RFC 5322 message with CRLF line ends, for generated cases.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    headers: Vec<(String, String)>,
    body: String,
}

impl Mail {
    /// Starts with a Date and MIME headers; everything else is up to the test.
    pub fn new() -> Self {
        Mail {
            headers: vec![
                ("Date".into(), "Tue, 25 Nov 2025 09:15:00 +0100".into()),
                ("MIME-Version".into(), "1.0".into()),
                (
                    "Content-Type".into(),
                    "text/plain; charset=utf-8; format=flowed".into(),
                ),
                ("Content-Transfer-Encoding".into(), "8bit".into()),
            ],
            body: String::new(),
        }
    }

    /// A typical first message from a customer to the helpdesk.
    pub fn customer(from: &str, subject: &str, message_id: &str) -> Self {
        Mail::new()
            .from(from)
            .to(HELPDESK_ADDRESS)
            .subject(subject)
            .message_id(message_id)
            .body("Buongiorno,\nla procedura si blocca con un errore.\n\nGrazie\n")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces every header of this name with one value.
    pub fn set_header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.header(name, value)
    }

    pub fn from(self, from: &str) -> Self {
        self.set_header("From", from)
    }
    pub fn to(self, to: &str) -> Self {
        self.set_header("To", to)
    }
    pub fn cc(self, cc: &str) -> Self {
        self.set_header("Cc", cc)
    }
    pub fn subject(self, subject: &str) -> Self {
        self.set_header("Subject", subject)
    }
    /// Angle brackets are added when missing.
    pub fn message_id(self, id: &str) -> Self {
        self.set_header("Message-ID", &angle(id))
    }
    pub fn in_reply_to(self, id: &str) -> Self {
        self.set_header("In-Reply-To", &angle(id))
    }
    pub fn references(self, ids: &str) -> Self {
        self.set_header("References", ids)
    }
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_string();
        self
    }

    /// The message bytes, CRLF line ends.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        for (name, value) in &self.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        out.push_str("\r\n");
        for line in self.body.lines() {
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.into_bytes()
    }
}

fn angle(id: &str) -> String {
    let id = id.trim();
    if id.starts_with('<') {
        id.to_string()
    } else {
        format!("<{id}>")
    }
}

/// `serve` as a child process; killed when dropped.
pub struct Serving {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Serving {
    /// Starts `serve` for `desk` on a free loopback port, its output in `<scratch>/<name>.log`,
    /// and waits until `/healthz` answers 200.
    pub fn start(desk: &TestDesk, name: &str) -> Serving {
        let addr = free_local_addr();
        let log = desk.scratch().join(format!("{name}.log"));
        let file = std::fs::File::create(&log).expect("serve log");
        let mut command = desk.command(&["serve", "--listen", &addr]);
        command
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log handle"))
            .stderr(file);
        let mut serving = Serving {
            child: command.spawn().expect("start ppdesk-server serve"),
            addr,
            log,
        };
        let up = wait_for(Duration::from_secs(30), || {
            if let Ok(Some(status)) = serving.child.try_wait() {
                panic!("serve exited early with {status}\n{}", serving.log_text());
            }
            http_get(&serving.addr, "/healthz")
                .ok()
                .filter(|(code, _)| *code == 200)
        });
        assert!(
            up.is_some(),
            "serve did not answer /healthz\n{}",
            serving.log_text()
        );
        serving
    }

    /// The HTTP address, `127.0.0.1:port`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The server's process id (for SIGSTOP/SIGCONT in crash tests).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// What the server logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no drain, no goodbye — the crash the design must survive.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, as a service manager stops it; returns how it exited.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Duration) {
        let started = Instant::now();
        let sent = Command::new("kill")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        let status = self.child.wait().expect("wait for serve");
        (status, started.elapsed())
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestDesk {
    /// Runs `ppdesk-server serve` on this desk until the returned value is dropped.
    pub fn serve(&self, name: &str) -> Serving {
        Serving::start(self, name)
    }

    /// Creates organisation `name` owning mail `domain` and returns a fresh API token for it
    /// (`org create`, then `org token create`, which prints the token alone on its last line).
    pub fn org_with_token(&self, name: &str, domain: &str) -> String {
        self.run(&["org", "create", name, "--domain", domain])
            .assert_success();
        let created = self.run(&["org", "token", "create", name]);
        created.assert_success();
        let token = created
            .stdout
            .lines()
            .map(str::trim)
            .rfind(|line| !line.is_empty())
            .unwrap_or_default()
            .to_owned();
        assert!(
            !token.is_empty() && !token.contains(char::is_whitespace),
            "org token create printed no token\n{}",
            created.transcript()
        );
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_unfolded() {
        let raw = b"Subject: a\r\n  b\r\nTo: x@y\r\n\r\nbody: no\r\n";
        assert_eq!(
            raw_headers(raw),
            vec![
                ("Subject".to_string(), "a b".to_string()),
                ("To".to_string(), "x@y".to_string())
            ]
        );
    }

    #[test]
    fn message_ids_are_split() {
        assert_eq!(message_ids("<a@b>\r\n <c@d>"), vec!["<a@b>", "<c@d>"]);
    }

    #[test]
    fn tags_have_at_least_five_digits() {
        assert_eq!(tag(42), "#Standard# Ticket #[00042]");
        assert_eq!(tag(123456), "#Standard# Ticket #[123456]");
    }

    #[test]
    fn language_guess() {
        assert!(looks_italian(
            "Gentile cliente, abbiamo ricevuto la sua richiesta e il settore Helpdesk la ha presa in carico."
        ));
        assert!(looks_english(
            "Dear customer, we have received your request and the Helpdesk team is working on it."
        ));
    }

    #[test]
    fn outcome_shape_is_checked() {
        let ok = Outcome::parse(r#"{"outcome":"created","ticket":10000,"acknowledged":true}"#)
            .expect("valid");
        assert_eq!(ok.ticket, Some(10000));
        assert!(Outcome::parse(r#"{"outcome":"created","acknowledged":true}"#).is_err());
        assert!(
            Outcome::parse(r#"{"outcome":"maybe","ticket":null,"acknowledged":true}"#).is_err()
        );
    }
}
