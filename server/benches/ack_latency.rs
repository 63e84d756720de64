//! `cargo bench -p ppdesk-server --bench ack_latency` — how fast a customer gets the
//! acknowledgement, through real mail servers.
//!
//! Starts Dovecot + OpenSMTPD on loopback (`tests/mail/servers.sh`) and the release
//! `ppdesk-server serve` reading helpdesk@ppdesk.test over IMAP IDLE and sending through the
//! relay. Sends `PPDESK_LATENCY_COUNT` (default 200) customer mails, one every 50 ms, and
//! measures from "the relay accepted the customer's mail" (its 250 after DATA) to "the relay
//! accepted the acknowledgement" (the outbox's `sent_at`, written right after the relay's 250),
//! and, end to end, to "the acknowledgement is in the customer's maildir", which adds the
//! relay's own queue and its LMTP hop into Dovecot. Prints p50/p90/p99/max of both.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SERVERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/mail/servers.sh");

fn main() {
    let count: usize = std::env::var("PPDESK_LATENCY_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mail = MailServers::start();
    let work = tempfile::tempdir().expect("temp dir");
    let config = work.path().join("ppdesk.toml");
    std::fs::write(
        &config,
        format!(
            "[helpdesk]\naddress = \"helpdesk@ppdesk.test\"\n\
             [acknowledgement]\nmax_per_sender_per_hour = 100000\n\
             [outbox]\ntransport = \"smtp\"\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {smtp}\ntls = \"none\"\n\
             [imap]\nhost = \"127.0.0.1\"\nport = {imap}\ntls = \"none\"\n\
             username = \"helpdesk@ppdesk.test\"\npassword = \"secret\"\n",
            smtp = mail.smtp_port,
            imap = mail.imap_port
        ),
    )
    .expect("config");
    let server = Server::start(&config, &work.path().join("data"));
    // Let the server log in and enter IDLE before the clock starts.
    std::thread::sleep(Duration::from_secs(2));

    let maildir = mail.dir.join("mail/acme.test/mario.rossi/Maildir");
    let mut accepted: HashMap<String, Instant> = HashMap::new();
    let mut accepted_unix_ms: HashMap<String, i64> = HashMap::new();
    let mut latencies: Vec<Duration> = Vec::new();
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let started = Instant::now();
    let mut next_send = Instant::now();
    let mut sent = 0usize;
    let deadline_after_last = Duration::from_secs(30);
    let mut last_send = Instant::now();
    while latencies.len() < count {
        if sent < count && Instant::now() >= next_send {
            let id = format!("bench-{sent}@acme.test");
            let raw = format!(
                "From: Mario Rossi <mario.rossi@acme.test>\r\nTo: helpdesk@ppdesk.test\r\n\
                 Subject: Problema {sent} con la stampante\r\nMessage-ID: <{id}>\r\n\r\n\
                 La stampante non stampa.\r\n"
            );
            send_smtp(
                mail.smtp_port,
                "mario.rossi@acme.test",
                "helpdesk@ppdesk.test",
                &raw,
            );
            accepted.insert(id.clone(), Instant::now());
            accepted_unix_ms.insert(id, unix_ms());
            sent += 1;
            last_send = Instant::now();
            next_send += Duration::from_millis(50);
        }
        for dir in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(maildir.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if !seen.insert(path.clone()) {
                    continue;
                }
                let arrived = Instant::now();
                if let Some(parent) = in_reply_to(&path)
                    && let Some(at) = accepted.get(&parent)
                {
                    latencies.push(arrived - *at);
                    if std::env::var_os("PPDESK_BENCH_VERBOSE").is_some() {
                        eprintln!("{parent}: {} ms", (arrived - *at).as_millis());
                    }
                }
            }
        }
        if sent == count && last_send.elapsed() > deadline_after_last {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let total = started.elapsed();
    drop(server);
    let mut to_relay = relay_acceptance(&work.path().join("data"), &accepted_unix_ms);

    println!("ppdesk acknowledgement latency via IMAP IDLE + SMTP relay (Dovecot, OpenSMTPD)");
    println!(
        "sent {sent}, acknowledged {} in {:.1} s (one mail every 50 ms)",
        latencies.len(),
        total.as_secs_f64()
    );
    print_percentiles("to the relay accepting the acknowledgement", &mut to_relay);
    print_percentiles(
        "to the acknowledgement in the customer's maildir",
        &mut latencies,
    );
    assert_eq!(latencies.len(), count, "every mail must be acknowledged");
    assert_eq!(
        to_relay.len(),
        count,
        "every acknowledgement must be marked sent"
    );
}

fn print_percentiles(label: &str, latencies: &mut [Duration]) {
    latencies.sort();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
            .as_millis()
    };
    println!(
        "{label:<50} p50 {:>5} ms   p90 {:>5} ms   p99 {:>5} ms   max {:>5} ms",
        pick(0.50),
        pick(0.90),
        pick(0.99),
        latencies.last().copied().unwrap_or_default().as_millis()
    );
}

fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// For each customer mail, when the relay accepted its acknowledgement: the outbox's `sent_at`
/// (Unix ms, recorded right after the relay's 250) minus when the relay accepted the mail.
fn relay_acceptance(data_dir: &Path, accepted: &HashMap<String, i64>) -> Vec<Duration> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows: Vec<(String, i64)> = runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(data_dir.join("ppdesk.sqlite3"))
            .read_only(true);
        let pool = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("open db");
        sqlx::query_as(
            "SELECT m.message_id, o.sent_at FROM outbox o
             JOIN messages m ON m.ticket = o.ticket AND m.direction = 'inbound'
             WHERE o.kind = 'acknowledgement' AND o.status = 'sent'",
        )
        .fetch_all(&pool)
        .await
        .expect("query outbox")
    });
    rows.into_iter()
        .filter_map(|(parent, sent_at)| {
            let at = accepted.get(&parent)?;
            Some(Duration::from_millis(
                u64::try_from(sent_at - at).unwrap_or(0),
            ))
        })
        .collect()
}

/// The In-Reply-To of a delivered file, without brackets.
fn in_reply_to(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix("In-Reply-To:"))
        .map(|v| v.trim().trim_matches(['<', '>']).to_string())
}

/// A minimal SMTP client: the relay is plain SMTP on loopback.
fn send_smtp(port: u16, from: &str, to: &str, raw: &str) {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect relay");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let mut expect = |code: &str| {
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("read reply");
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                break;
            }
        }
        assert!(
            line.starts_with(code),
            "expected {code}, relay said {line:?}"
        );
    };
    expect("220");
    for (command, code) in [
        ("EHLO bench.acme.test".to_string(), "250"),
        (format!("MAIL FROM:<{from}>"), "250"),
        (format!("RCPT TO:<{to}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        writer
            .write_all(format!("{command}\r\n").as_bytes())
            .expect("write");
        expect(code);
    }
    writer.write_all(raw.as_bytes()).expect("write body");
    writer.write_all(b".\r\n").expect("write dot");
    expect("250");
    let _ = writer.write_all(b"QUIT\r\n");
}

struct MailServers {
    dir: PathBuf,
    smtp_port: u16,
    imap_port: u16,
}

impl MailServers {
    fn start() -> Self {
        run(Command::new("bash").arg(SERVERS).arg("install"));
        let dir = PathBuf::from(
            String::from_utf8(
                Command::new("mktemp")
                    .args(["-d", "/tmp/ppb.XXXX"])
                    .output()
                    .expect("mktemp")
                    .stdout,
            )
            .expect("utf8")
            .trim(),
        );
        run(Command::new("bash").arg(SERVERS).arg("start").arg(&dir));
        let env = std::fs::read_to_string(dir.join("env")).expect("env file");
        let port = |key: &str| -> u16 {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("{key} missing in env"))
        };
        Self {
            smtp_port: port("SMTP_PORT"),
            imap_port: port("IMAP_PORT"),
            dir,
        }
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(SERVERS)
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

fn run(command: &mut Command) {
    let status = command.status().expect("run");
    assert!(status.success(), "{command:?} failed: {status}");
}

struct Server(Child);

impl Server {
    fn start(config: &Path, data_dir: &Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_ppdesk-server"))
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env(
                "RUST_LOG",
                std::env::var("PPDESK_BENCH_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .spawn()
            .expect("start ppdesk-server");
        Self(child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM, as a service manager would, then wait for the drain.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}
