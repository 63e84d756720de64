//! The LMTP listener (RFC 2033): an MTA on the same machine (Postfix `lmtp:inet:127.0.0.1:2424`,
//! OpenSMTPD `lmtp`) delivers each message straight to the desk.
//!
//! The edge is thin: smtp-proto (Stalwart's sans-IO parser) reads the commands and dot-unstuffs
//! the DATA; this file keeps the session state and answers. Each message is handed to
//! [`Desk::ingest`] once, however many recipients it has, and LMTP then gets one reply per
//! accepted recipient (RFC 2033 §4.2). The 250 is written only after `ingest` returned, i.e.
//! after its transaction committed: if ppdesk dies before that, the MTA has no 250 and delivers
//! again, and the second delivery is recognised as a duplicate. A failed ingest answers 451 so
//! the MTA keeps the message and retries. Nothing is added to the message: the MTA's
//! Return-Path and Received headers are already in the bytes, which are kept as received.
//!
//! No STARTTLS and no AUTH: the listener is meant for loopback, as the config default says.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, MAX_LINE_LENGTH};
use smtp_proto::{Error as ProtoError, MailFrom, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinError, JoinSet};
use tokio::time::timeout;
use tracing::Instrument;

use crate::desk::Desk;
use crate::store::Store;

/// The `source` recorded with every message taken here.
const SOURCE: &str = "lmtp";

/// Recipients one transaction may have; more get 452 and the MTA sends them in another
/// transaction (RFC 5321 §4.5.3.1.8 asks servers to take at least 100).
const MAX_RECIPIENTS: usize = 100;

/// Bytes read from the socket at a time. A message over the size limit can overshoot the
/// limit in memory by at most this much before the rest of it is thrown away unread.
const READ_BUFFER: usize = 16 * 1024;

/// Pause after a failed `accept` (too many open files, say), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// How long the listener waits for its peers; a value apart so the tests can shorten it.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// Silence after which a session is closed with 421: the 5 minutes RFC 5321 §4.5.3.2.7
    /// gives a server waiting for the next command. Also bounds each write of replies.
    idle: Duration,
    /// How long a shutdown waits for transactions in progress before dropping their sessions.
    /// A dropped session has sent no 250, so its MTA delivers the message again later.
    grace: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            idle: Duration::from_secs(5 * 60),
            grace: Duration::from_secs(10),
        }
    }
}

/// Serves LMTP on `listener` until `stop` turns true; sessions in progress finish their current
/// transaction (or are closed after a short grace period), then the function returns.
///
/// A dropped `stop` sender counts as a stop, as for the other background tasks. Failed accepts
/// are logged and retried, so today this only returns `Ok`; the `io::Result` leaves room for
/// listener errors that should end the server.
pub async fn serve<S: Store>(
    desk: Arc<Desk<S>>,
    listener: TcpListener,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    serve_with(desk, listener, stop, Timing::default()).await
}

async fn serve_with<S: Store>(
    desk: Arc<Desk<S>>,
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
    timing: Timing,
) -> std::io::Result<()> {
    // The caller (serve.rs) announces the listener at info.
    tracing::debug!(listen = ?listener.local_addr().ok(), "LMTP listening");
    let mut sessions = JoinSet::new();
    // Each session watches for the stop itself; a copy kept apart from the one this loop waits on.
    let session_stop = stop.clone();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let span = tracing::info_span!("lmtp", %peer);
                    let session = session(desk.clone(), stream, session_stop.clone(), timing);
                    sessions.spawn(session.instrument(span));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "LMTP accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            // Reap finished sessions as they end, so a long-running server does not pile them up.
            Some(ended) = sessions.join_next() => log_ended(ended),
        }
    }
    // Closing the port first: an MTA connecting now gets "refused" and tries again later,
    // instead of a session that would be cut short.
    drop(listener);
    if !sessions.is_empty() {
        tracing::info!(
            open = sessions.len(),
            "LMTP stopping; letting sessions finish their transaction"
        );
    }
    let drained = timeout(timing.grace, async {
        while let Some(ended) = sessions.join_next().await {
            log_ended(ended);
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = sessions.len(),
            "LMTP sessions still busy after the grace period are closed; their MTA will retry"
        );
        sessions.shutdown().await;
    }
    tracing::info!("LMTP stopped");
    Ok(())
}

/// Resolves once `stop` is true (or its sender is gone). Unlike `wait_for` it yields no
/// `watch::Ref`, whose lock guard would make the `select!` around it `!Send`.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

fn log_ended(ended: Result<(), JoinError>) {
    if let Err(e) = ended
        && e.is_panic()
    {
        tracing::error!(error = %e, "LMTP session panicked");
    }
}

/// One connection, from greeting to close.
async fn session<S: Store>(
    desk: Arc<Desk<S>>,
    mut stream: TcpStream,
    mut stop: watch::Receiver<bool>,
    timing: Timing,
) {
    tracing::debug!("LMTP session opened");
    let mut session = Session::new(&desk);
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        if session.closing && !session.in_transaction() && !session.done {
            session.reply(421, [4, 3, 2], "ppdesk is shutting down, try again later");
            session.done = true;
        }
        if !session.out.is_empty() {
            match timeout(timing.idle, stream.write_all(&session.out)).await {
                Ok(Ok(())) => session.out.clear(),
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "LMTP client went away");
                    break;
                }
                Err(_) => {
                    tracing::debug!("LMTP client stopped reading its replies");
                    break;
                }
            }
        }
        if session.done {
            break;
        }
        let read = tokio::select! {
            read = timeout(timing.idle, stream.read(&mut buf)) => read,
            // Noticed once; from then on the session only waits for its transaction to end.
            _ = stopped(&mut stop), if !session.closing => {
                session.closing = true;
                continue;
            }
        };
        match read {
            Err(_) => {
                session.reply(421, [4, 4, 2], "idle for too long, closing");
                session.done = true;
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "LMTP read failed");
                break;
            }
            Ok(Ok(0)) => {
                if session.in_transaction() {
                    tracing::debug!("LMTP client left mid-transaction; nothing was taken");
                }
                break;
            }
            Ok(Ok(n)) => session.feed(&buf[..n]).await,
        }
    }
    let _ = stream.shutdown().await;
    tracing::debug!("LMTP session closed");
}

/// What the bytes coming in are.
enum Input {
    /// Command lines, each parsed by smtp-proto (`Request::parse`) once its LF is there. The
    /// lines are framed here rather than by smtp-proto's `RequestReceiver`: that one enforces its
    /// length limit only on a line split across reads, and after refusing one it parses the rest
    /// of the line as a new command; framing here gives one rule and one reply per line.
    Commands,
    /// The rest of a line too long to be a command, thrown away up to its end.
    RestOfLongLine,
    /// A message after DATA, dot-unstuffed into `message`.
    Message {
        receiver: DataReceiver,
        message: Vec<u8>,
    },
    /// A message that went over the size limit: read to its end and dropped. `size` is about
    /// how many bytes it had, for the log.
    Oversized {
        receiver: DummyDataReceiver,
        size: usize,
    },
    /// The chunk of a BDAT command (refused: CHUNKING is not offered), skipped so its bytes are
    /// not read as commands.
    Chunk(DummyDataReceiver),
}

/// The state of one LMTP session, apart from the socket so it reads as the protocol.
struct Session<'d, S: Store> {
    desk: &'d Desk<S>,
    /// The name we greet with: the helpdesk's mail domain.
    host: String,
    max_bytes: u64,
    /// The command line read so far, when a read ended inside it.
    line: Vec<u8>,
    input: Input,
    greeted: bool,
    /// The envelope sender, once MAIL was accepted: a transaction is open.
    sender: Option<String>,
    recipients: Vec<String>,
    /// The listener is stopping: finish the transaction in progress, start no new one.
    closing: bool,
    /// Close after the pending replies are written.
    done: bool,
    /// Replies not yet written (the greeting first); sent after each read, so pipelined
    /// commands get one write.
    out: Vec<u8>,
}

impl<'d, S: Store> Session<'d, S> {
    fn new(desk: &'d Desk<S>) -> Self {
        let host = match crate::mail::inbound::domain_of(&desk.config.helpdesk.address) {
            "" => "localhost".to_string(),
            domain => domain.to_string(),
        };
        Session {
            desk,
            out: format!("220 {host} LMTP ppdesk ready\r\n").into_bytes(),
            host,
            max_bytes: desk.config.storage.max_message_bytes,
            line: Vec::new(),
            input: Input::Commands,
            greeted: false,
            sender: None,
            recipients: Vec::new(),
            closing: false,
            done: false,
        }
    }

    fn in_transaction(&self) -> bool {
        self.sender.is_some()
    }

    fn end_transaction(&mut self) {
        self.sender = None;
        self.recipients.clear();
    }

    /// Queues one single-line reply with its enhanced status code (RFC 2034).
    fn reply(&mut self, code: u16, [class, subject, detail]: [u8; 3], text: impl Display) {
        // Writing into a Vec cannot fail.
        let _ = Response::new(code, class, subject, detail, text).write(&mut self.out);
    }

    /// Takes the bytes of one read: commands, or the message after DATA, or both when the client
    /// pipelines.
    async fn feed(&mut self, bytes: &[u8]) {
        let mut bytes = bytes.iter();
        while !self.done && !bytes.as_slice().is_empty() {
            match &mut self.input {
                Input::Commands => {
                    let rest = bytes.as_slice();
                    let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                        // Part of a line: keep it for the next read, unless it is already too long.
                        bytes = [].iter();
                        if self.line.len() + rest.len() > MAX_LINE_LENGTH {
                            self.line.clear();
                            self.reply(500, [5, 5, 2], "line too long");
                            self.input = Input::RestOfLongLine;
                        } else {
                            self.line.extend_from_slice(rest);
                        }
                        continue;
                    };
                    bytes = rest[end + 1..].iter();
                    if self.line.len() + end + 1 > MAX_LINE_LENGTH {
                        self.line.clear();
                        self.reply(500, [5, 5, 2], "line too long");
                        continue;
                    }
                    self.line.extend_from_slice(&rest[..=end]);
                    let parsed = Request::parse(&mut self.line.iter()).map(Request::into_owned);
                    self.line.clear();
                    match parsed {
                        Ok(request) => self.command(request),
                        Err(error) => self.refuse(error),
                    }
                }
                Input::RestOfLongLine => {
                    let rest = bytes.as_slice();
                    match rest.iter().position(|&b| b == b'\n') {
                        Some(end) => {
                            bytes = rest[end + 1..].iter();
                            self.input = Input::Commands;
                        }
                        None => bytes = [].iter(),
                    }
                }
                Input::Message { receiver, message } => {
                    if receiver.ingest(&mut bytes, message) {
                        let raw = std::mem::take(message);
                        self.input = Input::Commands;
                        self.deliver(raw).await;
                    } else if message.len() as u64 > self.max_bytes {
                        let skip = DummyDataReceiver::new_data(receiver);
                        let size = message.len();
                        self.input = Input::Oversized {
                            receiver: skip,
                            size,
                        };
                    }
                }
                Input::Oversized { receiver, size } => {
                    let before = bytes.len();
                    let ended = receiver.ingest(&mut bytes);
                    *size += before - bytes.len();
                    if ended {
                        let size = *size;
                        self.input = Input::Commands;
                        self.refuse_oversized(size);
                    }
                }
                Input::Chunk(receiver) => {
                    if receiver.ingest(&mut bytes) {
                        self.input = Input::Commands;
                    }
                }
            }
        }
    }

    fn command(&mut self, request: Request<String>) {
        match request {
            Request::Lhlo { host } => {
                tracing::debug!(client = %host, "LHLO");
                // LHLO starts over, like RSET (RFC 5321 §4.1.4).
                self.end_transaction();
                self.greeted = true;
                self.capabilities();
            }
            Request::Helo { .. } | Request::Ehlo { .. } => self.not_smtp(),
            Request::Mail { from } => self.mail(from),
            Request::Rcpt { to } => self.rcpt(to.address),
            Request::Data => self.data(),
            Request::Rset => {
                self.end_transaction();
                self.reply(250, [2, 0, 0], "OK");
            }
            Request::Noop { .. } => self.reply(250, [2, 0, 0], "OK"),
            Request::Vrfy { .. } => {
                self.reply(
                    252,
                    [2, 5, 0],
                    "cannot verify, but send the message and it will be taken",
                );
            }
            Request::Quit => {
                self.reply(221, [2, 0, 0], "bye");
                self.done = true;
            }
            Request::Bdat { chunk_size, .. } => {
                self.reply(502, [5, 5, 1], "BDAT is not offered; use DATA");
                self.input = Input::Chunk(DummyDataReceiver::new_bdat(chunk_size));
            }
            other => {
                let name = other.name();
                self.reply(502, [5, 5, 1], format_args!("{name} is not offered"));
            }
        }
    }

    /// The LHLO reply: the capabilities an MTA looks for. No STARTTLS or AUTH on a loopback
    /// service.
    fn capabilities(&mut self) {
        let lines = [
            self.host.clone(),
            "PIPELINING".to_string(),
            "ENHANCEDSTATUSCODES".to_string(),
            "8BITMIME".to_string(),
            format!("SIZE {}", self.max_bytes),
        ];
        let last = lines.len() - 1;
        for (i, line) in lines.iter().enumerate() {
            let separator = if i == last { ' ' } else { '-' };
            self.out
                .extend_from_slice(format!("250{separator}{line}\r\n").as_bytes());
        }
    }

    fn not_smtp(&mut self) {
        self.reply(500, [5, 5, 1], "this is an LMTP server: say LHLO");
    }

    fn mail(&mut self, from: MailFrom<String>) {
        if !self.greeted {
            return self.reply(503, [5, 5, 1], "say LHLO first");
        }
        if self.in_transaction() {
            return self.reply(503, [5, 5, 1], "MAIL already given; RSET to start over");
        }
        if self.closing {
            self.reply(421, [4, 3, 2], "ppdesk is shutting down, try again later");
            self.done = true;
            return;
        }
        // SIZE= is the client's estimate (RFC 1870): refuse now what would be refused after DATA.
        if from.size as u64 > self.max_bytes {
            let limit = self.max_bytes;
            return self.reply(
                552,
                [5, 3, 4],
                format_args!("message size exceeds the limit of {limit} bytes"),
            );
        }
        // BODY=8BITMIME needs nothing: the bytes are kept as they come.
        self.sender = Some(from.address);
        self.reply(250, [2, 1, 0], "sender OK");
    }

    fn rcpt(&mut self, address: String) {
        if !self.in_transaction() {
            return self.reply(503, [5, 5, 1], "MAIL first");
        }
        if self.recipients.len() >= MAX_RECIPIENTS {
            return self.reply(452, [4, 5, 3], "too many recipients");
        }
        // Any recipient is accepted: whatever the MTA routes here is mail for the helpdesk.
        self.recipients.push(address);
        self.reply(250, [2, 1, 5], "recipient OK");
    }

    fn data(&mut self) {
        if !self.in_transaction() {
            return self.reply(503, [5, 5, 1], "MAIL first");
        }
        // RFC 2033 §4.2: no accepted recipient, no DATA.
        if self.recipients.is_empty() {
            return self.reply(503, [5, 5, 1], "no valid recipients");
        }
        // No enhanced status code on 354: RFC 2034 gives them to 2xx, 4xx and 5xx only.
        self.out
            .extend_from_slice(b"354 send the message; end with <CRLF>.<CRLF>\r\n");
        self.input = Input::Message {
            receiver: message_receiver(),
            message: Vec::new(),
        };
    }

    /// Takes the message once and answers for each recipient (RFC 2033 §4.2). The replies are
    /// queued only after `ingest` returned, that is after its transaction committed.
    async fn deliver(&mut self, raw: Vec<u8>) {
        let sender = self.sender.take().unwrap_or_default();
        let recipients = std::mem::take(&mut self.recipients).len();
        match self.desk.ingest(&raw, SOURCE).await {
            Ok(report) => {
                let outcome = report.outcome.as_str();
                tracing::info!(
                    outcome,
                    ticket = report.ticket,
                    sender = %sender,
                    recipients,
                    bytes = raw.len(),
                    "LMTP message taken"
                );
                // Quarantined, ignored and duplicate are 250 too: the message is safely kept,
                // and a 5xx would only make the MTA bounce it to a sender who cannot help.
                let text = match report.ticket {
                    Some(number) => format!("{outcome} ticket {number}"),
                    None => outcome.to_string(),
                };
                for _ in 0..recipients {
                    self.reply(250, [2, 0, 0], &text);
                }
            }
            Err(error) => {
                tracing::warn!(
                    error = %error,
                    sender = %sender,
                    bytes = raw.len(),
                    "LMTP message not taken; answered 451 so the MTA retries"
                );
                for _ in 0..recipients {
                    self.reply(451, [4, 3, 0], "temporary failure, try again later");
                }
            }
        }
    }

    fn refuse_oversized(&mut self, size: usize) {
        let limit = self.max_bytes;
        tracing::info!(
            bytes = size,
            limit,
            "LMTP message over the size limit refused"
        );
        for _ in 0..self.recipients.len() {
            self.reply(
                552,
                [5, 3, 4],
                format_args!("message exceeds the size limit of {limit} bytes"),
            );
        }
        self.end_transaction();
    }

    /// The answer to a line smtp-proto could not take.
    fn refuse(&mut self, error: ProtoError) {
        match error {
            // "EHLO" alone, without a host: still someone speaking SMTP to us.
            ProtoError::SyntaxError { syntax }
                if syntax.starts_with("EHLO") || syntax.starts_with("HELO") =>
            {
                self.not_smtp();
            }
            ProtoError::SyntaxError { syntax } => {
                self.reply(501, [5, 5, 4], format_args!("syntax: {syntax}"));
            }
            ProtoError::InvalidSenderAddress => {
                self.reply(501, [5, 1, 7], "invalid sender address");
            }
            ProtoError::InvalidRecipientAddress => {
                self.reply(501, [5, 1, 3], "invalid recipient address");
            }
            ProtoError::InvalidParameter { param } => {
                self.reply(501, [5, 5, 4], format_args!("invalid {param} parameter"));
            }
            ProtoError::UnsupportedParameter { param } => {
                self.reply(
                    555,
                    [5, 5, 4],
                    format_args!("unsupported parameter {param}"),
                );
            }
            ProtoError::UnknownCommand => self.reply(500, [5, 5, 1], "unknown command"),
            // Not expected for a whole line; answered rather than trusted.
            ProtoError::NeedsMoreData { .. }
            | ProtoError::ResponseTooLong
            | ProtoError::InvalidResponse { .. } => {
                self.reply(500, [5, 5, 0], "command not understood");
            }
        }
    }
}

/// A DATA reader that has already seen the CRLF ending the DATA command. smtp-proto recognises
/// a dot at the start of a line only after a CRLF, and a fresh receiver has seen none: without
/// this an empty message (`.` at once) would not end and a stuffed first line would keep its dot.
fn message_receiver() -> DataReceiver {
    let mut receiver = DataReceiver::new();
    let mut ignored = Vec::new();
    receiver.ingest(&mut b"\r\n".iter(), &mut ignored);
    receiver
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use ppdesk_shared::status::SystemClock;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
    use tokio::task::JoinHandle;

    use super::*;
    use crate::blobs::sha256_hex;
    use crate::config::Config;
    use crate::store::TicketFilter;
    use crate::store::sqlite::SqliteStore;

    /// Long enough for a slow CI machine, short enough that a hang fails the test.
    const WAIT: Duration = Duration::from_secs(5);

    struct Running {
        desk: Arc<Desk<SqliteStore>>,
        addr: SocketAddr,
        stop: watch::Sender<bool>,
        served: JoinHandle<std::io::Result<()>>,
        _dir: tempfile::TempDir,
    }

    async fn start_with(config: Config, timing: Timing) -> Running {
        let dir = tempfile::tempdir().expect("temp dir");
        let desk = Desk::open(config, dir.path(), Arc::new(SystemClock))
            .await
            .expect("open desk");
        let desk = Arc::new(desk);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stop_rx) = watch::channel(false);
        let served = tokio::spawn(serve_with(desk.clone(), listener, stop_rx, timing));
        Running {
            desk,
            addr,
            stop,
            served,
            _dir: dir,
        }
    }

    async fn start() -> Running {
        start_with(Config::default(), Timing::default()).await
    }

    /// An MTA speaking LMTP over a real socket.
    struct Client {
        reader: BufReader<OwnedReadHalf>,
        writer: OwnedWriteHalf,
    }

    impl Client {
        async fn connect(addr: SocketAddr) -> Client {
            let stream = TcpStream::connect(addr).await.expect("connect");
            let (reader, writer) = stream.into_split();
            let mut client = Client {
                reader: BufReader::new(reader),
                writer,
            };
            let greeting = client.reply().await;
            assert!(
                greeting.starts_with("220 ") && greeting.contains("LMTP ppdesk ready"),
                "{greeting}"
            );
            client
        }

        /// Connects and says LHLO.
        async fn greeted(addr: SocketAddr) -> Client {
            let mut client = Client::connect(addr).await;
            let lhlo = client.cmd("LHLO mx.example.org").await;
            assert!(lhlo.starts_with("250"), "{lhlo}");
            client
        }

        async fn send(&mut self, text: &str) {
            self.writer.write_all(text.as_bytes()).await.expect("write");
        }

        /// One reply, all its lines (joined by `\n`).
        async fn reply(&mut self) -> String {
            let mut lines = Vec::new();
            loop {
                let mut line = String::new();
                let n = timeout(WAIT, self.reader.read_line(&mut line))
                    .await
                    .expect("reply in time")
                    .expect("read");
                assert!(n > 0, "connection closed; got so far {lines:?}");
                let line = line.trim_end().to_string();
                let last = line.as_bytes().get(3) != Some(&b'-');
                lines.push(line);
                if last {
                    return lines.join("\n");
                }
            }
        }

        async fn replies(&mut self, n: usize) -> Vec<String> {
            let mut replies = Vec::new();
            for _ in 0..n {
                replies.push(self.reply().await);
            }
            replies
        }

        async fn cmd(&mut self, line: &str) -> String {
            self.send(&format!("{line}\r\n")).await;
            self.reply().await
        }

        /// Asserts the server closed the connection.
        async fn closed(&mut self) {
            let mut rest = String::new();
            let n = timeout(WAIT, self.reader.read_line(&mut rest))
                .await
                .expect("close in time")
                .unwrap_or(0);
            assert_eq!(n, 0, "expected the connection closed, got {rest:?}");
        }

        /// MAIL, one RCPT per recipient, DATA, the message: the replies after the data.
        async fn deliver(&mut self, recipients: &[&str], data: &str) -> Vec<String> {
            assert!(
                self.cmd("MAIL FROM:<mario.rossi@acme.it>")
                    .await
                    .starts_with("250 2.1.0")
            );
            for rcpt in recipients {
                let reply = self.cmd(&format!("RCPT TO:<{rcpt}>")).await;
                assert!(reply.starts_with("250 2.1.5"), "{reply}");
            }
            let reply = self.cmd("DATA").await;
            assert!(reply.starts_with("354"), "{reply}");
            self.send(data).await;
            self.replies(recipients.len()).await
        }
    }

    /// A customer's request as the MTA hands it over, with its trace headers, dot-stuffed for
    /// the wire and ended with `.`.
    const WIRE: &str = "Return-Path: <mario.rossi@acme.it>\r\n\
        Received: from mail.acme.it by mx.example.org; Mon, 2 Nov 2026 09:00:00 +0100\r\n\
        From: Mario Rossi <mario.rossi@acme.it>\r\n\
        To: helpdesk@ppdesk.localhost\r\n\
        Subject: La stampante non stampa\r\n\
        Message-ID: <lmtp-1@acme.it>\r\n\
        \r\n\
        Buongiorno,\r\n\
        ..leading dot\r\n\
        la stampante del secondo piano non stampa.\r\n\
        .\r\n";

    /// The same message as it was written, before dot-stuffing and without the end marker.
    fn unstuffed(wire: &str) -> String {
        let body = wire.strip_suffix(".\r\n").expect("end marker");
        body.replace("\r\n..", "\r\n.")
    }

    fn ticket_of(reply: &str) -> u64 {
        reply
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no ticket in {reply:?}"))
    }

    #[tokio::test]
    async fn a_message_for_two_recipients_is_taken_once_and_answered_twice() {
        let t = start().await;
        let mut mta = Client::connect(t.addr).await;
        let lhlo = mta.cmd("LHLO mx.example.org").await;
        assert!(lhlo.contains("250-PIPELINING"), "{lhlo}");
        assert!(lhlo.contains("250-ENHANCEDSTATUSCODES"), "{lhlo}");
        assert!(lhlo.contains("250-8BITMIME"), "{lhlo}");
        let size = t.desk.config.storage.max_message_bytes;
        assert!(lhlo.ends_with(&format!("250 SIZE {size}")), "{lhlo}");
        assert!(
            !lhlo.contains("STARTTLS") && !lhlo.contains("AUTH"),
            "{lhlo}"
        );

        let replies = mta
            .deliver(
                &["helpdesk@ppdesk.localhost", "support@ppdesk.localhost"],
                WIRE,
            )
            .await;
        assert_eq!(replies.len(), 2);
        assert!(
            replies[0].starts_with("250 2.0.0 created ticket "),
            "{replies:?}"
        );
        assert_eq!(replies[0], replies[1]);
        let number = ticket_of(&replies[0]);

        assert!(t.desk.store.ticket(number).await.expect("read").is_some());
        let messages = t.desk.store.messages(number).await.expect("messages");
        let inbound: Vec<_> = messages
            .iter()
            .filter(|m| m.direction == "inbound")
            .collect();
        assert_eq!(inbound.len(), 1, "one message however many recipients");
        let body = &inbound[0].text_body;
        assert!(body.contains(".leading dot"), "{body}");
        assert!(!body.contains("..leading dot"), "{body}");
        // The bytes are kept as received: unstuffed, nothing added, trace headers kept.
        let raw = unstuffed(WIRE);
        let kept = t
            .desk
            .blobs
            .get(&sha256_hex(raw.as_bytes()))
            .expect("raw kept");
        assert_eq!(kept, raw.as_bytes());

        assert!(mta.cmd("QUIT").await.starts_with("221"));
        mta.closed().await;
    }

    #[tokio::test]
    async fn the_same_message_delivered_again_is_a_duplicate() {
        let t = start().await;
        let mut mta = Client::greeted(t.addr).await;
        let first = mta.deliver(&["helpdesk@ppdesk.localhost"], WIRE).await;
        let again = mta.deliver(&["helpdesk@ppdesk.localhost"], WIRE).await;
        assert!(first[0].starts_with("250 2.0.0 created"), "{first:?}");
        assert!(again[0].starts_with("250 2.0.0 duplicate"), "{again:?}");
        let tickets = t
            .desk
            .store
            .tickets(&TicketFilter::default())
            .await
            .expect("tickets");
        assert_eq!(tickets.len(), 1);
    }

    #[tokio::test]
    async fn pipelined_commands_are_answered_in_order() {
        let t = start().await;
        let mut mta = Client::greeted(t.addr).await;
        mta.send(concat!(
            "MAIL FROM:<mario.rossi@acme.it> SIZE=600 BODY=8BITMIME\r\n",
            "RCPT TO:<helpdesk@ppdesk.localhost>\r\n",
            "RCPT TO:<support@ppdesk.localhost>\r\n",
            "DATA\r\n",
        ))
        .await;
        let replies = mta.replies(4).await;
        assert!(replies[0].starts_with("250 2.1.0"), "{replies:?}");
        assert!(replies[1].starts_with("250 2.1.5"), "{replies:?}");
        assert!(replies[2].starts_with("250 2.1.5"), "{replies:?}");
        assert!(replies[3].starts_with("354"), "{replies:?}");
        // The message, then the next commands, in one write.
        mta.send(&format!("{WIRE}NOOP\r\nQUIT\r\n")).await;
        let replies = mta.replies(4).await;
        assert!(
            replies[0].starts_with("250 2.0.0 created ticket"),
            "{replies:?}"
        );
        assert_eq!(replies[0], replies[1]);
        assert!(replies[2].starts_with("250 2.0.0"), "{replies:?}");
        assert!(replies[3].starts_with("221"), "{replies:?}");
        mta.closed().await;
    }

    #[tokio::test]
    async fn commands_out_of_place_are_refused_and_the_session_goes_on() {
        let t = start().await;
        let mut mta = Client::connect(t.addr).await;
        let helo = mta.cmd("HELO mx.example.org").await;
        assert!(
            helo.starts_with("500 5.5.1") && helo.contains("LHLO"),
            "{helo}"
        );
        assert!(mta.cmd("EHLO mx.example.org").await.starts_with("500"));
        assert!(mta.cmd("MAIL FROM:<a@acme.it>").await.starts_with("503"));
        assert!(mta.cmd("LHLO mx.example.org").await.starts_with("250"));
        assert!(mta.cmd("DATA").await.starts_with("503"), "DATA before MAIL");
        assert!(
            mta.cmd("RCPT TO:<helpdesk@ppdesk.localhost>")
                .await
                .starts_with("503")
        );
        assert!(mta.cmd("MAIL FROM:<a@acme.it>").await.starts_with("250"));
        assert!(
            mta.cmd("MAIL FROM:<a@acme.it>").await.starts_with("503"),
            "nested MAIL"
        );
        assert!(mta.cmd("DATA").await.starts_with("503"), "DATA before RCPT");
        assert!(mta.cmd("FROB").await.starts_with("500 5.5.1"));
        assert!(mta.cmd("STARTTLS").await.starts_with("502"));
        assert!(mta.cmd("VRFY someone").await.starts_with("252"));
        let long = format!("NOOP {}", "x".repeat(10_000));
        assert!(mta.cmd(&long).await.starts_with("500 5.5.2"));
        // The same, arriving in two reads: still one reply for the line.
        mta.send(&long[..6_000]).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(mta.cmd(&long[6_000..]).await.starts_with("500 5.5.2"));
        assert!(mta.cmd("NOOP").await.starts_with("250"));
        for _ in 0..MAX_RECIPIENTS {
            assert!(
                mta.cmd("RCPT TO:<helpdesk@ppdesk.localhost>")
                    .await
                    .starts_with("250")
            );
        }
        let over = mta.cmd("RCPT TO:<helpdesk@ppdesk.localhost>").await;
        assert!(over.starts_with("452 4.5.3"), "{over}");
        assert!(mta.cmd("RSET").await.starts_with("250"));
        assert!(mta.cmd("NOOP").await.starts_with("250"));
        let tickets = t.desk.store.tickets(&TicketFilter::default()).await;
        assert!(tickets.expect("tickets").is_empty());
    }

    #[tokio::test]
    async fn a_message_over_the_size_limit_is_refused_per_recipient_and_not_stored() {
        let mut config = Config::default();
        config.storage.max_message_bytes = 1_000;
        config.storage.max_attachment_bytes = 1_000;
        let t = start_with(config, Timing::default()).await;
        let mut mta = Client::greeted(t.addr).await;
        let declared = mta.cmd("MAIL FROM:<mario.rossi@acme.it> SIZE=5000").await;
        assert!(declared.starts_with("552 5.3.4"), "{declared}");

        // Bigger than one read, so the tail is skipped rather than kept.
        let big = format!(
            "From: mario.rossi@acme.it\r\nSubject: log\r\n\r\n{}.\r\n",
            "0123456789 the whole log file, line after line\r\n".repeat(1_000)
        );
        let replies = mta
            .deliver(
                &["helpdesk@ppdesk.localhost", "support@ppdesk.localhost"],
                &big,
            )
            .await;
        assert!(
            replies.iter().all(|r| r.starts_with("552 5.3.4")),
            "{replies:?}"
        );
        // The end of the message was found: the session goes on.
        assert!(mta.cmd("NOOP").await.starts_with("250"));
        let tickets = t.desk.store.tickets(&TicketFilter::default()).await;
        assert!(tickets.expect("tickets").is_empty());
    }

    #[tokio::test]
    async fn a_message_without_from_is_quarantined_not_lost() {
        let t = start().await;
        let mut mta = Client::greeted(t.addr).await;
        let wire = "To: helpdesk@ppdesk.localhost\r\nSubject: ?\r\n\r\nno sender\r\n.\r\n";
        let replies = mta.deliver(&["helpdesk@ppdesk.localhost"], wire).await;
        assert_eq!(replies, ["250 2.0.0 quarantined"]);
        let raw = unstuffed(wire);
        assert!(t.desk.blobs.get(&sha256_hex(raw.as_bytes())).is_ok());
    }

    #[tokio::test]
    async fn a_failed_ingest_answers_451_per_recipient_and_the_retry_is_taken() {
        let t = start().await;
        let mut mta = Client::greeted(t.addr).await;
        // Storage fails for this message: its blob folder is gone.
        let blob = t.desk.blobs.path(&sha256_hex(unstuffed(WIRE).as_bytes()));
        let folder = blob.parent().expect("fan-out folder").to_path_buf();
        std::fs::remove_dir_all(&folder).expect("remove folder");
        let recipients = ["helpdesk@ppdesk.localhost", "support@ppdesk.localhost"];
        let replies = mta.deliver(&recipients, WIRE).await;
        assert_eq!(replies, ["451 4.3.0 temporary failure, try again later"; 2]);
        let tickets = t.desk.store.tickets(&TicketFilter::default()).await;
        assert!(tickets.expect("tickets").is_empty());

        // The MTA kept it and tries again once storage is back.
        std::fs::create_dir_all(&folder).expect("restore folder");
        let replies = mta.deliver(&recipients, WIRE).await;
        assert!(
            replies[0].starts_with("250 2.0.0 created ticket"),
            "{replies:?}"
        );
    }

    #[tokio::test]
    async fn stop_lets_a_transaction_finish_then_closes_the_port() {
        let t = start().await;
        let mut idle = Client::greeted(t.addr).await;
        let mut busy = Client::greeted(t.addr).await;
        assert!(
            busy.cmd("MAIL FROM:<mario.rossi@acme.it>")
                .await
                .starts_with("250")
        );
        assert!(
            busy.cmd("RCPT TO:<helpdesk@ppdesk.localhost>")
                .await
                .starts_with("250")
        );

        t.stop.send(true).expect("serve listens");
        assert!(idle.reply().await.starts_with("421 4.3.2"));
        idle.closed().await;

        assert!(busy.cmd("DATA").await.starts_with("354"));
        busy.send(WIRE).await;
        assert!(busy.reply().await.starts_with("250 2.0.0 created"));
        assert!(busy.reply().await.starts_with("421 4.3.2"));
        busy.closed().await;

        let served = timeout(WAIT, t.served).await.expect("serve returns");
        served.expect("no panic").expect("serve ok");
        assert!(TcpStream::connect(t.addr).await.is_err(), "port closed");
    }

    #[tokio::test]
    async fn a_transaction_stalled_past_the_grace_period_is_dropped() {
        let timing = Timing {
            grace: Duration::from_millis(100),
            ..Timing::default()
        };
        let t = start_with(Config::default(), timing).await;
        let mut stalled = Client::greeted(t.addr).await;
        assert!(
            stalled
                .cmd("MAIL FROM:<a@acme.it>")
                .await
                .starts_with("250")
        );
        t.stop.send(true).expect("serve listens");
        let served = timeout(WAIT, t.served).await.expect("serve returns");
        served.expect("no panic").expect("serve ok");
        stalled.closed().await;
    }

    #[tokio::test]
    async fn an_idle_session_is_closed_with_421() {
        let timing = Timing {
            idle: Duration::from_millis(100),
            ..Timing::default()
        };
        let t = start_with(Config::default(), timing).await;
        let mut mta = Client::greeted(t.addr).await;
        assert!(mta.reply().await.starts_with("421 4.4.2"));
        mta.closed().await;
    }

    /// Feeds `wire` to the receiver DATA uses, in pieces of `step` bytes.
    fn read_message(wire: &[u8], step: usize) -> Option<Vec<u8>> {
        let mut receiver = message_receiver();
        let mut message = Vec::new();
        for piece in wire.chunks(step) {
            if receiver.ingest(&mut piece.iter(), &mut message) {
                return Some(message);
            }
        }
        None
    }

    #[test]
    fn the_message_reader_unstuffs_even_the_first_line() {
        for step in [1, 2, 3, 1024] {
            assert_eq!(read_message(b".\r\n", step).as_deref(), Some(&b""[..]));
            assert_eq!(
                read_message(b"..x\r\ny\r\n.\r\n", step).as_deref(),
                Some(&b".x\r\ny\r\n"[..])
            );
            // A bare LF before the dot does not end the message (SMTP smuggling).
            assert_eq!(
                read_message(b"a\n.\r\nb\r\n.\r\n", step).as_deref(),
                Some(&b"a\n.\r\nb\r\n"[..])
            );
        }
    }
}
