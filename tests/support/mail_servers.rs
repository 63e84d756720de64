//! Real mail servers on loopback for end-to-end tests: a private Dovecot (IMAP + LMTP) and a
//! private OpenSMTPD relay delivering into it, started by `tests/mail/servers.sh` (see
//! `tests/mail/README.md`) in a fresh short folder under /tmp, stopped on drop.
//!
//! Users (password `secret`): `helpdesk@ppdesk.test`, `tech@ppdesk.test`,
//! `mario.rossi@acme.test`, `anna.bianchi@acme.test`, `eve@example.test`. The relay takes mail
//! for these only; any other recipient gets `550 Invalid recipient` at RCPT.
//!
//! The clients here are deliberately tiny and synchronous (std `TcpStream`, no runtime): a
//! minimal SMTP client for [`MailServers::send_smtp`] and a minimal IMAP client (LOGIN, EXAMINE,
//! UID FETCH 1:* BODY.PEEK[], LOGOUT) for [`MailServers::imap_messages`]. They look at what a
//! customer's mailbox really holds, independently of the IMAP code under test in the server.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

/// The password of every test user.
pub const MAIL_PASSWORD: &str = "secret";

/// How long one `servers.sh` command may take (`install` may run apt on a fresh machine).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Read/write timeout of the little SMTP and IMAP clients.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// `tests/mail/servers.sh`.
pub fn servers_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("mail")
        .join("servers.sh")
}

/// A running Dovecot + OpenSMTPD pair. Dropping it stops both; the folder is removed when the
/// test passed and kept (its path printed) when it failed, for the logs.
pub struct MailServers {
    dir: PathBuf,
    imap_port: u16,
    smtp_port: u16,
    lmtp_port: u16,
}

impl MailServers {
    /// Installs the packages once per test process (idempotent, fast when installed), then
    /// starts both servers in a fresh folder. Panics with the script's output on failure.
    pub fn start() -> MailServers {
        install_once();
        // The ports are free when the script picks them, not reserved: if another program
        // takes one first, `start` fails; a second folder gets new ports.
        let mut failure = String::new();
        for _ in 0..2 {
            let dir = fresh_dir();
            match run_script(
                &["start", path_str(&dir)],
                &dir.join("start.out"),
                SCRIPT_TIMEOUT,
            ) {
                Ok(()) => return MailServers::from_env(dir),
                Err(e) => {
                    // Whatever did come up must not outlive the attempt.
                    let _ = run_script(
                        &["stop", path_str(&dir)],
                        &dir.join("stop.out"),
                        SCRIPT_TIMEOUT,
                    );
                    failure = format!("{failure}\n--- {} ---\n{e}", dir.display());
                }
            }
        }
        panic!("cannot start the mail servers:{failure}");
    }

    fn from_env(dir: PathBuf) -> MailServers {
        let env = std::fs::read_to_string(dir.join("env"))
            .unwrap_or_else(|e| panic!("{}/env: {e}", dir.display()));
        let values: HashMap<&str, &str> = env
            .lines()
            .filter_map(|line| line.split_once('='))
            .collect();
        let port = |key: &str| -> u16 {
            values
                .get(key)
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("{}/env has no port {key}:\n{env}", dir.display()))
        };
        MailServers {
            imap_port: port("IMAP_PORT"),
            smtp_port: port("SMTP_PORT"),
            lmtp_port: port("LMTP_PORT"),
            dir,
        }
    }

    /// The folder holding configs, logs and maildirs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Config sections for a desk at helpdesk@ppdesk.test that sends through this relay and
    /// retries after 1–2 s.
    pub fn relay_config(&self) -> String {
        format!(
            "[helpdesk]\naddress = \"helpdesk@ppdesk.test\"\nname = \"Helpdesk ppdesk\"\n\n\
             [outbox]\ntransport = \"smtp\"\ninitial_backoff_secs = 1\nmax_backoff_secs = 2\n\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\ntimeout_secs = 5\n",
            self.smtp_port
        )
    }

    /// The `[imap]` section reading helpdesk@ppdesk.test's INBOX on this Dovecot.
    pub fn imap_config(&self) -> String {
        format!(
            "[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n\
             username = \"helpdesk@ppdesk.test\"\npassword = \"{MAIL_PASSWORD}\"\n",
            self.imap_port
        )
    }

    /// The relay's port (plain SMTP on 127.0.0.1, no AUTH, no STARTTLS).
    pub fn smtp_port(&self) -> u16 {
        self.smtp_port
    }

    /// Dovecot's IMAP port (plain, LOGIN allowed).
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// Dovecot's LMTP port (byte-exact injection).
    pub fn lmtp_port(&self) -> u16 {
        self.lmtp_port
    }

    /// Stops the relay: its port refuses connections until [`MailServers::start_smtp`].
    pub fn stop_smtp(&self) {
        self.script(&["stop-smtp", path_str(&self.dir)], "stop-smtp.out");
    }

    /// Starts the relay again, on the same port and spool.
    pub fn start_smtp(&self) {
        self.script(&["start-smtp", path_str(&self.dir)], "start-smtp.out");
    }

    fn script(&self, args: &[&str], log: &str) {
        if let Err(e) = run_script(args, &self.dir.join(log), SCRIPT_TIMEOUT) {
            panic!("servers.sh {}: {e}\n{}", args.join(" "), self.logs());
        }
    }

    /// The relay's and Dovecot's logs, for failure messages.
    pub fn logs(&self) -> String {
        ["smtpd.log", "dovecot.log"]
            .iter()
            .map(|name| {
                let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                format!("--- {name} (last 40 lines) ---\n{}\n", tail.join("\n"))
            })
            .collect()
    }

    /// Sends `raw` through the relay with this envelope. `Err` holds the refusing reply (e.g.
    /// `550 Invalid recipient`) or the I/O error.
    pub fn send_smtp(&self, from: &str, to: &str, raw: &[u8]) -> Result<(), String> {
        smtp_send(self.smtp_port, from, to, raw)
    }

    /// Every message in `user`'s INBOX, in UID order, as stored (the relay's Received lines
    /// included). Read-only: flags are not touched.
    pub fn imap_messages(&self, user: &str) -> Vec<Vec<u8>> {
        imap_fetch_all(self.imap_port, user, MAIL_PASSWORD)
            .unwrap_or_else(|e| panic!("IMAP for {user}: {e}\n{}", self.logs()))
    }

    /// Waits until `user`'s INBOX holds at least `count` messages and returns them all; panics
    /// after `timeout` with what was there.
    pub fn wait_for(&self, user: &str, count: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.imap_messages(user);
            if messages.len() >= count {
                return messages;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{user} has {} message(s) after {timeout:?}, expected {count}\n{}",
                    messages.len(),
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        let stopped = run_script(
            &["stop", path_str(&self.dir)],
            &self.dir.join("stop.out"),
            SCRIPT_TIMEOUT,
        );
        if let Err(e) = &stopped {
            eprintln!("mail servers in {}: stop failed: {e}", self.dir.display());
        }
        if std::thread::panicking() || stopped.is_err() {
            eprintln!(
                "mail servers' folder kept for inspection: {}",
                self.dir.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .expect("the mail server folder is a UTF-8 path")
}

/// A new empty folder with a short path (unix sockets inside it are limited to ~108 bytes).
fn fresh_dir() -> PathBuf {
    tempfile::Builder::new()
        .prefix("ppm.")
        .rand_bytes(6)
        .tempdir_in("/tmp")
        .expect("create a folder under /tmp for the mail servers")
        .keep()
}

/// Runs `servers.sh install` once per test process.
fn install_once() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = INSTALLED.get_or_init(|| {
        let log =
            std::env::temp_dir().join(format!("ppdesk-mail-install.{}.out", std::process::id()));
        let result = run_script(&["install"], &log, INSTALL_TIMEOUT);
        let _ = std::fs::remove_file(&log);
        result
    });
    if let Err(e) = result {
        panic!(
            "tests/mail/servers.sh install failed (it needs root and apt; tests/run.sh installs \
             dovecot-imapd dovecot-lmtpd opensmtpd):\n{e}"
        );
    }
}

/// Runs `servers.sh ARGS` with its output in the file `log` (never a pipe: a daemon that kept
/// it open would keep us waiting), killing it after `timeout`. `Err` holds the output.
fn run_script(args: &[&str], log: &Path, timeout: Duration) -> Result<(), String> {
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut child = Command::new("bash")
        .arg(servers_script())
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run servers.sh: {e}"))?;
    let status = match child.wait_timeout(timeout).map_err(|e| e.to_string())? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {timeout:?}\n{}", read_log(log)));
        }
    };
    if status.success() {
        Ok(())
    } else {
        Err(format!("exited with {status}\n{}", read_log(log)))
    }
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

// ------------------------------------------------------------------------------------- SMTP

/// One SMTP transaction: EHLO, MAIL, RCPT, DATA (dot-stuffed, CRLF line ends), QUIT.
fn smtp_send(port: u16, from: &str, to: &str, raw: &[u8]) -> Result<(), String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    expect_reply(&mut reader, '2')?;
    for (command, positive) in [
        ("EHLO tests.ppdesk.test".to_string(), '2'),
        (format!("MAIL FROM:<{from}>"), '2'),
        (format!("RCPT TO:<{to}>"), '2'),
        ("DATA".to_string(), '3'),
    ] {
        write!(writer, "{command}\r\n").map_err(|e| e.to_string())?;
        expect_reply(&mut reader, positive)?;
    }
    writer
        .write_all(&dot_stuffed(raw))
        .map_err(|e| e.to_string())?;
    writer.write_all(b".\r\n").map_err(|e| e.to_string())?;
    expect_reply(&mut reader, '2')?;
    let _ = writer.write_all(b"QUIT\r\n");
    Ok(())
}

/// Reads one (possibly multi-line) reply; `Err` with its text unless it starts with `positive`.
fn expect_reply(reader: &mut impl BufRead, positive: char) -> Result<String, String> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| format!("reading the reply: {e}"))?;
        if n == 0 {
            return Err(format!("connection closed; reply so far: {text:?}"));
        }
        text.push_str(&line);
        // "250-more" continues, "250 last" ends the reply.
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
    }
    if text.starts_with(positive) {
        Ok(text)
    } else {
        Err(text.trim_end().to_string())
    }
}

/// CRLF line ends, and a dot doubled at the start of a line (RFC 5321 4.5.2).
fn dot_stuffed(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let mut out = Vec::with_capacity(raw.len() + 64);
    for line in text.lines() {
        if line.starts_with('.') {
            out.push(b'.');
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

// ------------------------------------------------------------------------------------- IMAP

/// A minimal IMAP4rev1 session: enough to read a mailbox, nothing more.
struct Imap {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_tag: u32,
}

/// One server response line, with the literals (`{n}` + n bytes) it carried.
struct ImapLine {
    text: String,
    literals: Vec<Vec<u8>>,
}

impl Imap {
    fn connect(port: u16) -> Result<Imap, String> {
        let stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
        stream
            .set_read_timeout(Some(IO_TIMEOUT))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(IO_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let writer = stream.try_clone().map_err(|e| e.to_string())?;
        let mut imap = Imap {
            reader: BufReader::new(stream),
            writer,
            next_tag: 1,
        };
        let greeting = imap.read_line()?;
        if !greeting.text.starts_with("* OK") {
            return Err(format!("greeting: {}", greeting.text));
        }
        Ok(imap)
    }

    /// Sends a command and returns its untagged responses; `Err` unless it ends in `OK`.
    fn command(&mut self, command: &str) -> Result<Vec<ImapLine>, String> {
        let tag = format!("t{}", self.next_tag);
        self.next_tag += 1;
        write!(self.writer, "{tag} {command}\r\n").map_err(|e| e.to_string())?;
        let mut untagged = Vec::new();
        loop {
            let line = self.read_line()?;
            if let Some(status) = line.text.strip_prefix(&format!("{tag} ")) {
                return if status.starts_with("OK") {
                    Ok(untagged)
                } else {
                    Err(format!("{command:?}: {status}"))
                };
            }
            untagged.push(line);
        }
    }

    /// Reads one response line, following literals into the rest of the line.
    fn read_line(&mut self) -> Result<ImapLine, String> {
        let mut text = String::new();
        let mut literals = Vec::new();
        loop {
            let mut part = Vec::new();
            let n = self
                .reader
                .read_until(b'\n', &mut part)
                .map_err(|e| format!("reading: {e}"))?;
            if n == 0 {
                return Err(format!("connection closed after {text:?}"));
            }
            let part = String::from_utf8_lossy(&part);
            let part = part.trim_end_matches(['\r', '\n']);
            text.push_str(part);
            // A line ending in {n} announces n bytes of literal, then the line goes on.
            let size = part
                .strip_suffix('}')
                .and_then(|p| p.rsplit_once('{'))
                .and_then(|(_, n)| n.parse::<usize>().ok());
            let Some(size) = size else {
                return Ok(ImapLine { text, literals });
            };
            let mut literal = vec![0; size];
            self.reader
                .read_exact(&mut literal)
                .map_err(|e| format!("reading a {size}-byte literal: {e}"))?;
            literals.push(literal);
        }
    }
}

fn imap_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Every message of `user`'s INBOX, in UID order.
fn imap_fetch_all(port: u16, user: &str, password: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut imap = Imap::connect(port)?;
    imap.command(&format!(
        "LOGIN {} {}",
        imap_quoted(user),
        imap_quoted(password)
    ))?;
    let examined = imap.command("EXAMINE INBOX")?;
    let exists = examined
        .iter()
        .filter_map(|l| {
            l.text
                .strip_prefix("* ")?
                .strip_suffix(" EXISTS")?
                .parse::<usize>()
                .ok()
        })
        .next_back()
        .unwrap_or(0);
    let mut messages = Vec::new();
    if exists > 0 {
        // BODY.PEEK: reading must not mark anything \Seen. Each FETCH line carries one literal.
        for line in imap.command("UID FETCH 1:* (BODY.PEEK[])")? {
            if line.text.contains(" FETCH ") {
                messages.extend(line.literals);
            }
        }
    }
    let _ = imap.command("LOGOUT");
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_uses_crlf() {
        assert_eq!(
            dot_stuffed(b"a\n.b\r\n..c\n"),
            b"a\r\n..b\r\n...c\r\n".to_vec()
        );
    }

    #[test]
    fn multi_line_replies_are_read_to_their_last_line() {
        let mut reply: &[u8] = b"250-relay\r\n250-8BITMIME\r\n250 HELP\r\nnext";
        let text = expect_reply(&mut reply, '2').expect("positive");
        assert!(text.ends_with("250 HELP\r\n"), "{text:?}");
        let mut refused: &[u8] = b"550 Invalid recipient\r\n";
        assert_eq!(
            expect_reply(&mut refused, '2').expect_err("refused"),
            "550 Invalid recipient"
        );
    }
}
