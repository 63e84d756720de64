//! The helpdesk mailbox on the customer's own mail server, read over IMAP (feature E1).
//!
//! Each message is committed to the database BEFORE it is moved out of the inbox (to the
//! processed folder, or the quarantine folder). A crash between the two leaves it in the inbox;
//! the next pass finds its UID already recorded (`imap:<mailbox>:<uidvalidity>:<uid>` in the
//! received-records, written in the same transaction as the ticket) and only moves it. If the
//! server renumbered the mailbox (a new UIDVALIDITY), the message is fetched again and the
//! Message-ID/bytes dedupe answers `duplicate`: no second ticket either way.
//!
//! IDLE when the server offers it (Dovecot pushes about half a second after delivery), polling
//! otherwise; reconnects with exponential backoff when the server goes away.

use std::collections::HashSet;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_imap::extensions::idle::IdleResponse;
use async_imap::{Client, Session};
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::config::{ImapAuth, ImapConfig, TlsMode};
use crate::desk::Desk;
use crate::ingest::{IngestError, Outcome};
use crate::store::{Store, StoreError};

/// Messages fetched and committed per round trip.
const FETCH_BATCH: usize = 50;
/// RFC 2177: re-issue IDLE at least every 29 minutes; servers may drop it after 30.
const IDLE_MAX: Duration = Duration::from_secs(25 * 60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
const BACKOFF_MAX: Duration = Duration::from_secs(300);

/// Why a mailbox session ended.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("connecting to {host}:{port}: {source}")]
    Connect {
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("connecting to {host}:{port}: timed out")]
    ConnectTimeout { host: String, port: u16 },
    #[error("TLS with {host}: {reason}")]
    Tls { host: String, reason: String },
    #[error("reading the password file {path}: {source}")]
    PasswordFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no password configured")]
    NoPassword,
    #[error("login as {user} refused: {source}")]
    Login {
        user: String,
        #[source]
        source: async_imap::error::Error,
    },
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("the server closed the connection")]
    Closed,
    #[error("storing mail: {0}")]
    Ingest(#[from] IngestError),
    #[error("reading mailbox state: {0}")]
    Store(#[from] StoreError),
}

/// Reads the mailbox until `stop` turns true. Never returns an error: a failing session is
/// logged, and the next one starts after a backoff that doubles up to five minutes.
pub async fn run<S: Store>(
    desk: Arc<Desk<S>>,
    config: ImapConfig,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let started = Instant::now();
        match session(&desk, &config, &mut stop).await {
            Ok(()) => return,
            Err(e) => {
                metrics::counter!("ppdesk_imap_session_failures_total").increment(1);
                tracing::warn!(error = %e, retry_in = ?backoff, "mailbox session ended");
            }
        }
        // A session that ran for a while was healthy: start the backoff over.
        if started.elapsed() > Duration::from_secs(60) {
            backoff = Duration::from_secs(1);
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// One connection: log in, then take mail and wait for more until stopped or broken.
async fn session<S: Store>(
    desk: &Desk<S>,
    config: &ImapConfig,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), ImapError> {
    let mut session = login(config).await?;
    let capabilities = session.capabilities().await?;
    let can_idle = capabilities.has_str("IDLE");
    let can_move = capabilities.has_str("MOVE");
    let can_uid_expunge = capabilities.has_str("UIDPLUS");
    ensure_folder(&mut session, &config.processed_folder).await?;
    ensure_folder(&mut session, &config.quarantine_folder).await?;
    tracing::info!(
        host = %config.host,
        mailbox = %config.mailbox,
        idle = can_idle,
        "mailbox connected"
    );
    loop {
        let mailbox = session.select(&config.mailbox).await?;
        let uid_validity = mailbox.uid_validity.unwrap_or(0);
        let moves = Moves {
            can_move,
            can_uid_expunge,
        };
        take_new_mail(desk, &mut session, config, uid_validity, moves).await?;
        if *stop.borrow() {
            let _ = session.logout().await;
            return Ok(());
        }
        if can_idle {
            let mut idle = session.idle();
            idle.init().await?;
            let (wait, interrupt) = idle.wait_with_timeout(IDLE_MAX);
            // Dropping the interrupt ends the IDLE; a stop request does exactly that.
            let mut stop_watch = stop.clone();
            let stopper = tokio::spawn(async move {
                let _ = stop_watch.wait_for(|s| *s).await;
                drop(interrupt);
            });
            let response = wait.await;
            stopper.abort();
            match response? {
                IdleResponse::NewData(_)
                | IdleResponse::Timeout
                | IdleResponse::ManualInterrupt => {}
            }
            session = idle.done().await?;
        } else {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(config.poll_interval_secs)) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        }
    }
}

/// Takes every message in the mailbox: already-committed ones (a crash before the move) are
/// only moved; the rest are fetched, committed in batches, then moved.
async fn take_new_mail<S: Store>(
    desk: &Desk<S>,
    session: &mut Session<MailStream>,
    config: &ImapConfig,
    uid_validity: u32,
    moves: Moves,
) -> Result<(), ImapError> {
    let mut uids: Vec<u32> = session
        .uid_search("ALL")
        .await?
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if uids.is_empty() {
        return Ok(());
    }
    uids.sort_unstable();
    let source = |uid: u32| format!("imap:{}:{uid_validity}:{uid}", config.mailbox);

    let mut to_fetch = Vec::new();
    let mut done: Vec<(u32, Outcome)> = Vec::new();
    for &uid in &uids {
        match desk.store.received_outcome(&source(uid)).await? {
            // An unreadable outcome came from a newer version; the processed folder is safe.
            Some(outcome) => done.push((uid, outcome.parse().unwrap_or(Outcome::Appended))),
            None => to_fetch.push(uid),
        }
    }
    if !done.is_empty() {
        tracing::info!(
            count = done.len(),
            "moving mail committed before an interruption"
        );
        move_taken(session, config, &done, moves).await?;
    }

    for chunk in to_fetch.chunks(FETCH_BATCH) {
        let set = uid_set(chunk);
        let fetched: Vec<_> = session
            .uid_fetch(&set, "(UID BODY.PEEK[])")
            .await?
            .try_collect()
            .await?;
        let mut batch = Vec::with_capacity(fetched.len());
        let mut batch_uids = Vec::with_capacity(fetched.len());
        for message in &fetched {
            let (Some(uid), Some(body)) = (message.uid, message.body()) else {
                continue;
            };
            batch.push((body.to_vec(), source(uid)));
            batch_uids.push(uid);
        }
        let mut taken = Vec::with_capacity(batch.len());
        for (uid, result) in batch_uids.into_iter().zip(desk.ingest_batch(&batch).await) {
            // A message that could not be stored stays in the inbox for the next pass.
            match result {
                Ok(report) => taken.push((uid, report.outcome)),
                Err(e) => return Err(ImapError::Ingest(e)),
            }
        }
        move_taken(session, config, &taken, moves).await?;
    }
    Ok(())
}

/// Moves taken messages out of the inbox: quarantined ones to the quarantine folder, the rest
/// to the processed folder.
async fn move_taken(
    session: &mut Session<MailStream>,
    config: &ImapConfig,
    taken: &[(u32, Outcome)],
    moves: Moves,
) -> Result<(), ImapError> {
    let (quarantined, processed): (Vec<_>, Vec<_>) = taken
        .iter()
        .partition(|(_, outcome)| *outcome == Outcome::Quarantined);
    for (uids, folder) in [
        (processed, &config.processed_folder),
        (quarantined, &config.quarantine_folder),
    ] {
        if uids.is_empty() {
            continue;
        }
        let set = uid_set(&uids.iter().map(|(uid, _)| *uid).collect::<Vec<_>>());
        if moves.can_move {
            session.uid_mv(&set, folder).await?;
        } else {
            // RFC 3501 without MOVE: copy, mark deleted, expunge. UID EXPUNGE (UIDPLUS) removes
            // only ours; a plain EXPUNGE would also remove what a person marked deleted.
            session.uid_copy(&set, folder).await?;
            let _: Vec<_> = session
                .uid_store(&set, "+FLAGS.SILENT (\\Seen \\Deleted)")
                .await?
                .try_collect()
                .await?;
            if moves.can_uid_expunge {
                let _: Vec<_> = session.uid_expunge(&set).await?.try_collect().await?;
            } else {
                let _: Vec<_> = session.expunge().await?.try_collect().await?;
            }
        }
    }
    Ok(())
}

/// How the server lets messages leave the inbox.
#[derive(Debug, Clone, Copy)]
struct Moves {
    can_move: bool,
    can_uid_expunge: bool,
}

/// `1,2,5` — UIDs as an IMAP sequence set.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

async fn ensure_folder(session: &mut Session<MailStream>, folder: &str) -> Result<(), ImapError> {
    let existing: Vec<_> = session
        .list(None, Some(folder))
        .await?
        .try_collect()
        .await?;
    if existing.is_empty() {
        session.create(folder).await?;
        tracing::info!(folder, "created mailbox folder");
    }
    Ok(())
}

async fn login(config: &ImapConfig) -> Result<Session<MailStream>, ImapError> {
    let client = connect(config).await?;
    let secret = password(config)?;
    let session = match config.auth {
        ImapAuth::Login => client.login(&config.username, &secret).await,
        ImapAuth::Xoauth2 => {
            let auth = XOAuth2 {
                user: config.username.clone(),
                token: secret,
            };
            client.authenticate("XOAUTH2", auth).await
        }
    };
    session.map_err(|(source, _)| ImapError::Login {
        user: config.username.clone(),
        source,
    })
}

/// The password, read from the file at each login so a rotated secret or refreshed OAuth token
/// is picked up without a restart.
fn password(config: &ImapConfig) -> Result<String, ImapError> {
    match (&config.password, &config.password_file) {
        (Some(password), _) => Ok(password.clone()),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|text| text.trim_end_matches(['\r', '\n']).to_string())
            .map_err(|source| ImapError::PasswordFile {
                path: path.clone(),
                source,
            }),
        (None, None) => Err(ImapError::NoPassword),
    }
}

/// SASL XOAUTH2 (Google, Microsoft): the access token stands in for the password.
struct XOAuth2 {
    user: String,
    token: String,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> Self::Response {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

async fn connect(config: &ImapConfig) -> Result<Client<MailStream>, ImapError> {
    let (host, port) = (config.host.clone(), config.port());
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host.as_str(), port)))
        .await
        .map_err(|_| ImapError::ConnectTimeout {
            host: host.clone(),
            port,
        })?
        .map_err(|source| ImapError::Connect {
            host: host.clone(),
            port,
            source,
        })?;
    let _ = tcp.set_nodelay(true);
    match config.tls {
        TlsMode::Tls => {
            let mut client = Client::new(MailStream::Tls(Box::new(tls(&host, tcp).await?)));
            greeting(&mut client).await?;
            Ok(client)
        }
        TlsMode::None => {
            let mut client = Client::new(MailStream::Plain(tcp));
            greeting(&mut client).await?;
            Ok(client)
        }
        TlsMode::Starttls => {
            let mut client = Client::new(MailStream::Plain(tcp));
            greeting(&mut client).await?;
            client.run_command_and_check_ok("STARTTLS", None).await?;
            let MailStream::Plain(tcp) = client.into_inner() else {
                return Err(ImapError::Tls {
                    host,
                    reason: "STARTTLS on a stream that is already TLS".into(),
                });
            };
            Ok(Client::new(MailStream::Tls(Box::new(
                tls(&host, tcp).await?,
            ))))
        }
    }
}

async fn greeting(client: &mut Client<MailStream>) -> Result<(), ImapError> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Closed),
        Err(e) => Err(ImapError::Protocol(e.into())),
    }
}

async fn tls(
    host: &str,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    let fail = |reason: String| ImapError::Tls {
        host: host.to_string(),
        reason,
    };
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|e| fail(e.to_string()))?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| fail(e.to_string()))
}

/// A mail connection, plain or TLS; async-imap takes one stream type.
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_comma_lists() {
        assert_eq!(uid_set(&[3, 7, 8]), "3,7,8");
        assert_eq!(uid_set(&[42]), "42");
    }

    #[test]
    fn the_password_file_is_read_without_its_newline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\n").expect("write");
        let config = ImapConfig {
            host: "127.0.0.1".into(),
            port: None,
            tls: TlsMode::None,
            auth: ImapAuth::Login,
            username: "helpdesk@ppdesk.test".into(),
            password: None,
            password_file: Some(path.clone()),
            mailbox: "INBOX".into(),
            processed_folder: "Processed".into(),
            quarantine_folder: "Quarantine".into(),
            poll_interval_secs: 60,
        };
        assert_eq!(password(&config).expect("read"), "s3cret");
        std::fs::remove_file(&path).expect("remove");
        assert!(matches!(
            password(&config),
            Err(ImapError::PasswordFile { .. })
        ));
    }
}
