//! The SMTP transport: each outbound mail handed to the relay in `[smtp]` with lettre, byte for
//! byte as the outbox stored it. The envelope sender is the helpdesk address; the recipient is the
//! outbox row's.
//!
//! The relay's verdict decides what the outbox does next: a 250 is recorded at once, a 5xx makes
//! the mail `failed` with the relay's reply text (what `ticket show` displays), anything else is
//! retried with backoff. A relay that cannot be reached at all ends the delivery round early (see
//! [`DeliveryError::Unavailable`]). Sending the same mail twice is not harmless here, so the
//! outbox claims every mail with a delivery lease before it is sent ([`crate::outbox`]).

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, Error as SmtpError};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};

use crate::config::{SmtpConfig, TlsMode};
use crate::outbox::{DeliveryError, Transport};
use crate::store::DueMail;

/// lettre's async client bounds only the TCP connect by its timeout; reading a stuck relay's
/// reply would wait forever. So a whole send (greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA
/// and the body) gets this many `timeout_secs` before it is given up as a temporary failure.
const SEND_DEADLINE_FACTOR: u32 = 4;

/// The delivery lease is the send deadline plus this, for recording the result.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// Why the SMTP transport could not be set up from the config.
#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    /// The I/O error is part of the message (not a `source`), so it is printed once however
    /// the error is displayed.
    #[error("smtp.password_file {}: {error}", path.display())]
    PasswordFile {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("smtp.password_file {}: the file is empty", path.display())]
    EmptyPasswordFile { path: PathBuf },
    #[error("smtp.username is set, but neither smtp.password nor smtp.password_file")]
    MissingPassword,
    #[error("smtp.host {host:?}: {reason}")]
    Host { host: String, reason: String },
    #[error("helpdesk.address {address:?} cannot be the envelope sender: {reason}")]
    Sender { address: String, reason: String },
}

/// Hands mail to an SMTP relay.
///
/// Connections are pooled and reused across mails. Build it inside the tokio runtime: the pool
/// runs a small task that closes idle connections.
pub struct SmtpTransport {
    /// Kept to build a fresh pool when a send was cut off mid-dialogue ([`Self::reset_pool`]).
    /// Boxed: it is large (TLS and login settings), and only needed then.
    builder: Box<AsyncSmtpTransportBuilder>,
    client: Mutex<AsyncSmtpTransport<Tokio1Executor>>,
    sender: Address,
    /// `host:port`, to say which relay an error came from.
    relay: String,
    deadline: Duration,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The builder holds the credentials: never print it.
        f.debug_struct("SmtpTransport")
            .field("relay", &self.relay)
            .field("sender", &self.sender)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// Sets up the relay connection from `[smtp]`, with `sender` (the helpdesk address) as the
    /// envelope sender. Reads `password_file` now, so a missing file fails at start, not at
    /// the first mail. Nothing is connected yet.
    pub fn new(config: &SmtpConfig, sender: &str) -> Result<Self, SmtpSetupError> {
        let host = config.host.trim();
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
            return Err(SmtpSetupError::Host {
                host: config.host.clone(),
                reason: "not a host name or IP address".into(),
            });
        }
        let sender = Address::from_str(sender.trim()).map_err(|e| SmtpSetupError::Sender {
            address: sender.to_string(),
            reason: e.to_string(),
        })?;
        let port = config.port();
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        // lettre's relay()/starttls_relay() are builder_dangerous plus the TLS setting; the
        // plain mode is the "dangerous" builder left as it is, meant for a relay on this machine
        // (or the test relay, whose STARTTLS is broken: tests/mail/README.md).
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            // STARTTLS must succeed: `Tls::Required` sends neither credentials nor mail over a
            // connection that could not be upgraded (no downgrade to plain text).
            TlsMode::Starttls => Tls::Required(tls_parameters(host)?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters(host)?),
        };
        // The EHLO name should be our own domain (RFC 5321 4.1.4); some relays refuse a bare
        // "localhost" or address literal. The helpdesk's domain is the best name we know.
        let hello = ClientId::Domain(sender.domain().to_string());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .tls(tls)
            .timeout(Some(timeout))
            .hello_name(hello);
        if let Some(username) = &config.username {
            builder = builder.credentials(Credentials::new(username.clone(), password(config)?));
        }
        if config.tls == TlsMode::None && !is_loopback(host) {
            tracing::warn!(
                relay = %host,
                "smtp.tls = \"none\" with a relay on another machine: mail (and any password) \
                 crosses the network unencrypted"
            );
        }
        let client = builder.clone().build();
        let deadline = timeout.saturating_mul(SEND_DEADLINE_FACTOR);
        Ok(Self {
            builder: Box::new(builder),
            client: Mutex::new(client),
            sender,
            relay: format!("{host}:{port}"),
            deadline,
        })
    }

    /// The relay, as `host:port`.
    pub fn relay(&self) -> &str {
        &self.relay
    }

    /// The pooled client. A clone shares the pool.
    fn client(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        self.client
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the pool with an empty one. A send cut off by the deadline leaves its connection
    /// in the middle of a dialogue, and lettre would park it in the pool as if it were idle.
    fn reset_pool(&self) {
        let fresh = (*self.builder).clone().build();
        *self.client.lock().unwrap_or_else(PoisonError::into_inner) = fresh;
    }
}

/// True for `localhost` and loopback addresses: plain SMTP there never leaves the machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn tls_parameters(host: &str) -> Result<TlsParameters, SmtpSetupError> {
    TlsParameters::new(host.to_string()).map_err(|e| SmtpSetupError::Host {
        host: host.to_string(),
        reason: format!("cannot set up TLS for it: {e}"),
    })
}

/// The password from `password`, else from `password_file` (its content without the final line
/// break).
fn password(config: &SmtpConfig) -> Result<String, SmtpSetupError> {
    if let Some(password) = &config.password {
        return Ok(password.clone());
    }
    let Some(path) = &config.password_file else {
        return Err(SmtpSetupError::MissingPassword);
    };
    let text = std::fs::read_to_string(path).map_err(|error| SmtpSetupError::PasswordFile {
        path: path.clone(),
        error,
    })?;
    let password = text.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(SmtpSetupError::EmptyPasswordFile { path: path.clone() });
    }
    Ok(password.to_string())
}

impl Transport for SmtpTransport {
    fn delivery_lease(&self) -> Duration {
        self.deadline + LEASE_MARGIN
    }

    /// Four connections from the pool: enough to hide each mail's round trips (and lettre's
    /// pause before the final dot, which waits on the relay's delayed ACK) during a burst,
    /// few enough not to trip a relay's per-client connection limit.
    fn parallel_sends(&self) -> usize {
        4
    }

    async fn deliver(&self, mail: &DueMail) -> Result<(), DeliveryError> {
        let recipient = Address::from_str(mail.recipient.trim()).map_err(|e| {
            DeliveryError::Permanent(format!(
                "recipient {:?} is not an address: {e}",
                mail.recipient
            ))
        })?;
        let envelope = Envelope::new(Some(self.sender.clone()), vec![recipient])
            .map_err(|e| DeliveryError::Permanent(format!("envelope: {e}")))?;
        match self.send_once(&envelope, &mail.raw).await {
            // Relays cap the mails of one session (OpenSMTPD answers the 101st with 452, Postfix
            // and Exchange have their own limits) and a pooled connection meets that cap; a
            // fresh connection is the cure, so it gets one immediate try before the backoff.
            Err(Failure::Reply(DeliveryError::Transient(first))) => {
                self.reset_pool();
                match self.send_once(&envelope, &mail.raw).await {
                    Ok(()) => Ok(()),
                    Err(Failure::Reply(DeliveryError::Transient(second))) => Err(
                        DeliveryError::Transient(format!("{second} (before that: {first})")),
                    ),
                    Err(Failure::Reply(other) | Failure::Deadline(other)) => Err(other),
                }
            }
            Ok(()) => Ok(()),
            Err(Failure::Reply(error) | Failure::Deadline(error)) => Err(error),
        }
    }
}

/// How one send failed: the relay answered (or the connection broke), or it did not answer in
/// time (retrying at once would only wait again).
enum Failure {
    Reply(DeliveryError),
    Deadline(DeliveryError),
}

impl SmtpTransport {
    async fn send_once(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), Failure> {
        let client = self.client();
        match tokio::time::timeout(self.deadline, client.send_raw(envelope, raw)).await {
            Ok(Ok(_reply)) => Ok(()),
            Ok(Err(error)) => Err(Failure::Reply(classify(&error, &self.relay))),
            Err(_elapsed) => {
                self.reset_pool();
                Err(Failure::Deadline(DeliveryError::Transient(format!(
                    "smtp {}: no answer within {} s",
                    self.relay,
                    self.deadline.as_secs()
                ))))
            }
        }
    }
}

/// Reply codes that say our session, not the mail, is refused: the relay closing (421), or our
/// login or TLS required, refused or too weak (530, 534, 535, 538). Every other mail would meet
/// the same answer.
const SESSION_REFUSED: [u16; 5] = [421, 530, 534, 535, 538];

/// Turns lettre's error into the outbox's verdict.
///
/// - 5xx: permanent, with the reply text, unless the session itself was refused (above).
/// - No connection (refused, timed out, TLS handshake failed), 421 and refused logins: the
///   relay is unavailable; the round stops.
/// - A message the relay cannot carry (8-bit body without 8BITMIME, non-ASCII address without
///   SMTPUTF8): permanent; no retry changes it.
/// - Everything else (4xx, a connection lost mid-dialogue, a garbled reply): temporary.
pub fn classify(error: &SmtpError, relay: &str) -> DeliveryError {
    let text = reply_text(error);
    let code = error.status().map(u16::from);
    if code.is_some_and(|c| SESSION_REFUSED.contains(&c)) {
        return DeliveryError::Unavailable(format!("smtp {relay}: {text}"));
    }
    if error.is_permanent() {
        return DeliveryError::Permanent(format!("smtp {relay} refused the mail: {text}"));
    }
    if error.is_transient() || error.is_response() {
        return DeliveryError::Transient(format!("smtp {relay}: {text}"));
    }
    if error.is_client() {
        // lettre refuses before sending when the relay lacks an extension the message needs.
        // Its other client errors (no common AUTH mechanism…) stay temporary, not
        // "unavailable": a client error we do not know must not hold up the other mail.
        if text.contains("8BITMIME") || text.contains("SMTPUTF8") {
            return DeliveryError::Permanent(format!("smtp {relay}: {text}"));
        }
        return DeliveryError::Transient(format!("smtp {relay}: {text}"));
    }
    // lettre has no accessor for its connection errors (connect, DNS, TLS handshake); its
    // Display names them. Anything unrecognised stays a plain temporary failure: safe, if slower.
    if error.to_string().starts_with("Connection error") {
        return DeliveryError::Unavailable(format!("smtp {relay}: cannot connect: {text}"));
    }
    DeliveryError::Transient(format!("smtp {relay}: {text}"))
}

/// The relay's reply as "550 text", or lettre's description when there was no reply.
fn reply_text(error: &SmtpError) -> String {
    use std::error::Error as _;
    match (error.status(), error.source()) {
        (Some(code), Some(message)) => format!("{code} {message}"),
        (Some(code), None) => code.to_string(),
        (None, _) => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    //! The relay here is a scripted fake on loopback: each test says what it answers, and lettre
    //! talks to it for real. The end-to-end test against OpenSMTPD is tests/e2e/relay.rs.

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    use super::*;

    fn config(port: u16) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: TlsMode::None,
            username: None,
            password: None,
            password_file: None,
            timeout_secs: 5,
        }
    }

    fn mail(recipient: &str) -> DueMail {
        DueMail {
            id: 1,
            message_id: "ppdesk.1@ppdesk.test".into(),
            recipient: recipient.into(),
            raw: b"Subject: x\r\nMessage-ID: <ppdesk.1@ppdesk.test>\r\n\r\nbody\r\n".to_vec(),
            attempts: 0,
            kind: "acknowledgement".into(),
            created_at: 0,
        }
    }

    /// A scripted SMTP server: answers each command by its verb from `replies` (the greeting
    /// under "GREETING"; unlisted verbs get 250), the same on every connection, and returns what
    /// the client sent once no new connection came for 300 ms after the first one ended.
    async fn fake_relay(
        replies: &'static [(&'static str, &'static str)],
    ) -> (u16, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let reply = |verb: &str| {
            replies
                .iter()
                .find(|(v, _)| *v == verb)
                .map(|(_, r)| format!("{r}\r\n"))
        };
        let task = tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut first = true;
            loop {
                let accepted = if first {
                    Ok(listener.accept().await)
                } else {
                    tokio::time::timeout(Duration::from_millis(300), listener.accept()).await
                };
                let Ok(Ok((stream, _))) = accepted else {
                    return seen;
                };
                first = false;
                serve_one(stream, &reply, &mut seen).await;
            }
        });
        (port, task)
    }

    async fn serve_one(
        stream: tokio::net::TcpStream,
        reply: &impl Fn(&str) -> Option<String>,
        seen: &mut Vec<String>,
    ) {
        {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let greeting = reply("GREETING").unwrap_or_else(|| "220 fake ESMTP\r\n".into());
            write.write_all(greeting.as_bytes()).await.expect("greet");
            if !greeting.starts_with('2') {
                return;
            }
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                seen.push(line.clone());
                if in_data {
                    if line == "." {
                        in_data = false;
                        let r = reply(".").unwrap_or_else(|| "250 2.0.0 queued\r\n".into());
                        write.write_all(r.as_bytes()).await.expect("write");
                    }
                    continue;
                }
                let verb = line
                    .split([' ', ':'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                let r = match verb.as_str() {
                    "EHLO" => reply("EHLO").unwrap_or_else(|| {
                        "250-fake\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n".into()
                    }),
                    "DATA" => {
                        let r = reply("DATA").unwrap_or_else(|| "354 go ahead\r\n".into());
                        in_data = r.starts_with('3');
                        r
                    }
                    "QUIT" => "221 bye\r\n".into(),
                    other => reply(other).unwrap_or_else(|| "250 ok\r\n".into()),
                };
                write.write_all(r.as_bytes()).await.expect("write");
                if verb == "QUIT" || r.starts_with("421") {
                    break;
                }
            }
        }
    }

    #[tokio::test]
    async fn a_mail_goes_out_with_the_helpdesk_as_envelope_sender() {
        let (port, relay) = fake_relay(&[]).await;
        let smtp = SmtpTransport::new(&config(port), "helpdesk@ppdesk.test").expect("setup");
        smtp.deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect("delivered");
        drop(smtp);
        let seen = relay.await.expect("relay");
        assert!(seen.iter().any(|l| l == "EHLO ppdesk.test"), "{seen:?}");
        assert!(
            seen.iter()
                .any(|l| l.starts_with("MAIL FROM:<helpdesk@ppdesk.test>")),
            "{seen:?}"
        );
        assert!(
            seen.iter().any(|l| l == "RCPT TO:<mario.rossi@acme.test>"),
            "{seen:?}"
        );
        assert!(
            seen.iter()
                .any(|l| l == "Message-ID: <ppdesk.1@ppdesk.test>"),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn a_5xx_is_permanent_with_the_reply_text() {
        let (port, _relay) = fake_relay(&[("RCPT", "550 5.1.1 Invalid recipient")]).await;
        let smtp = SmtpTransport::new(&config(port), "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("nobody@acme.test"))
            .await
            .expect_err("refused");
        match error {
            DeliveryError::Permanent(text) => {
                assert!(
                    text.contains("550") && text.contains("Invalid recipient"),
                    "{text}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_4xx_is_retried_once_on_a_fresh_connection_then_temporary() {
        let (port, relay) = fake_relay(&[("RCPT", "451 4.3.0 try later")]).await;
        let smtp = SmtpTransport::new(&config(port), "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect_err("deferred");
        assert!(
            matches!(&error, DeliveryError::Transient(t) if t.contains("451 ")),
            "{error:?}"
        );
        let seen = relay.await.expect("relay");
        let ehlos = seen.iter().filter(|l| l.starts_with("EHLO")).count();
        assert_eq!(ehlos, 2, "one retry on a new connection: {seen:?}");
    }

    #[tokio::test]
    async fn a_refused_login_makes_the_relay_unavailable_not_the_mail_failed() {
        let (port, _relay) = fake_relay(&[("AUTH", "535 5.7.8 bad credentials")]).await;
        let mut cfg = config(port);
        cfg.username = Some("helpdesk".into());
        cfg.password = Some("wrong".into());
        let smtp = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, DeliveryError::Unavailable(t) if t.contains("535")),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_relay_closing_with_421_is_unavailable() {
        let (port, _relay) = fake_relay(&[("GREETING", "421 4.3.2 shutting down")]).await;
        let smtp = SmtpTransport::new(&config(port), "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect_err("closed");
        assert!(matches!(error, DeliveryError::Unavailable(_)), "{error:?}");
    }

    #[tokio::test]
    async fn no_relay_listening_is_unavailable() {
        // A port that was free a moment ago: nothing listens there.
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            probe.local_addr().expect("addr").port()
        };
        let smtp = SmtpTransport::new(&config(port), "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, DeliveryError::Unavailable(t) if t.contains("cannot connect")),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_relay_that_never_answers_is_given_up_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Accepts, then says nothing: lettre alone would wait for the greeting forever.
        let _silent = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept");
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(stream);
        });
        let mut cfg = config(port);
        cfg.timeout_secs = 1;
        let mut smtp = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect("setup");
        assert_eq!(
            smtp.deadline,
            Duration::from_secs(u64::from(SEND_DEADLINE_FACTOR))
        );
        assert!(smtp.delivery_lease() > smtp.deadline);
        smtp.deadline = Duration::from_millis(300); // keep the test quick
        let started = std::time::Instant::now();
        let error = smtp
            .deliver(&mail("mario.rossi@acme.test"))
            .await
            .expect_err("timeout");
        assert!(matches!(error, DeliveryError::Transient(_)), "{error:?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_bad_recipient_address_is_permanent_without_a_connection() {
        let smtp = SmtpTransport::new(&config(9), "helpdesk@ppdesk.test").expect("setup");
        let error = smtp
            .deliver(&mail("not an address"))
            .await
            .expect_err("bad");
        assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    }

    #[tokio::test]
    async fn setup_errors_name_what_is_wrong() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("smtp-password");
        let mut cfg = config(25);
        cfg.username = Some("helpdesk".into());
        cfg.password_file = Some(missing.clone());
        let error = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect_err("no file");
        assert!(
            error.to_string().contains(&missing.display().to_string()),
            "{error}"
        );

        std::fs::write(&missing, "s3cret\n").expect("write");
        SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect("password from the file");
        std::fs::write(&missing, "\n").expect("write");
        let error = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect_err("empty");
        assert!(
            matches!(error, SmtpSetupError::EmptyPasswordFile { .. }),
            "{error}"
        );

        cfg.password_file = None;
        let error = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect_err("no password");
        assert!(matches!(error, SmtpSetupError::MissingPassword), "{error}");

        let mut cfg = config(25);
        cfg.host = "smtp example.com".into();
        let error = SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect_err("bad host");
        assert!(error.to_string().contains("smtp.host"), "{error}");

        let error = SmtpTransport::new(&config(25), "not-an-address").expect_err("bad sender");
        assert!(error.to_string().contains("helpdesk.address"), "{error}");
    }

    #[tokio::test]
    async fn tls_modes_build_without_connecting() {
        for tls in [TlsMode::Tls, TlsMode::Starttls] {
            let mut cfg = config(465);
            cfg.host = "smtp.example.com".into();
            cfg.tls = tls;
            SmtpTransport::new(&cfg, "helpdesk@ppdesk.test").expect("TLS setup");
        }
    }
}
