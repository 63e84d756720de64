//! One tray per user (A8): the first `ppdesk-agent` becomes the tray and listens on a local
//! socket; a second launch, and the short-lived compose process, talk to it instead of starting
//! a second icon.
//!
//! - Who is the tray is decided by an OS file lock on `<runtime dir>/tray.lock`, held for the
//!   tray's whole life and released by the OS when it dies, so a crash never leaves a stale
//!   "already running" behind.
//! - The tray listens on a Unix domain socket `<runtime dir>/tray.sock` (Linux, in a `0700`
//!   folder) or the named pipe `\\.\pipe\ppdesk-agent-<user SID>-s<session>-<hash of the
//!   runtime dir>` (Windows: pipes are machine-wide, so the user, the session and the data
//!   location are part of the name, the lock is `tray-s<session>.lock`, and the pipe's ACL
//!   admits only that user: see `instance/windows.rs`). A socket file left by a crashed tray is
//!   removed by the next tray, which holds the lock and so knows it is stale.
//! - The protocol is one line each way: the client writes a [`Request`] (`compose`,
//!   `outbox-changed`, `quit`), the tray answers `ok` once it took it. Each side gives the
//!   other [`EXCHANGE_TIMEOUT`] (socket timeouts on Unix; on Windows, where pipes have none, a
//!   watchdog cancels the pending read), so a client that connects and says nothing cannot
//!   hold the tray's listener.
//!
//! The tray's listener thread blocks in `accept`: no polling, no wake-ups while idle.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{ListenerOptions, Name, Stream};

use crate::paths::AgentPaths;

#[cfg(windows)]
mod windows;

/// What a client asks of the running tray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Capture the screen and open the compose window, as "Apri ticket con screenshot" does
    /// (a second launch of `ppdesk-agent`).
    Compose,
    /// A draft was queued in the outbox: recount the badge and schedule a retry.
    OutboxChanged,
    /// Quit the tray (the installer, before replacing the binary).
    Quit,
}

impl Request {
    /// The wire form, without the line end.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compose => "compose",
            Self::OutboxChanged => "outbox-changed",
            Self::Quit => "quit",
        }
    }

    /// Parses the wire form, ignoring surrounding blanks and the line end.
    pub fn parse(line: &str) -> Option<Self> {
        [Self::Compose, Self::OutboxChanged, Self::Quit]
            .into_iter()
            .find(|request| request.as_str() == line.trim())
    }
}

/// The tray's answer to a request it took.
const OK: &str = "ok";
/// Longest line either side sends; anything longer is not ours.
const MAX_LINE: usize = 64;
/// How long a client waits for the tray's answer, and the tray for a client's request.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(unix)]
const LOCK_FILE: &str = "tray.lock";
#[cfg(unix)]
const SOCKET_FILE: &str = "tray.sock";

/// What can go wrong talking to (or becoming) the tray.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("the running ppdesk tray did not answer: {0}")]
    NoAnswer(io::Error),
    #[error("the running ppdesk tray refused the request: {0:?}")]
    Refused(String),
    #[error("cannot tell who runs this process (for the tray's pipe): {0}")]
    Identity(io::Error),
}

/// Where one user's tray can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Endpoint {
    lock: PathBuf,
    /// The socket file (Unix) or the pipe's name (Windows).
    address: PathBuf,
}

impl Endpoint {
    #[cfg(unix)]
    fn in_dir(runtime_dir: &Path) -> Result<Self, InstanceError> {
        Ok(Self {
            lock: runtime_dir.join(LOCK_FILE),
            address: runtime_dir.join(SOCKET_FILE),
        })
    }

    #[cfg(windows)]
    fn in_dir(runtime_dir: &Path) -> Result<Self, InstanceError> {
        let sid = windows::current_user_sid().map_err(InstanceError::Identity)?;
        let session = windows::session_id();
        Ok(Self {
            lock: runtime_dir.join(format!("tray-s{session}.lock")),
            address: PathBuf::from(pipe_name(&sid, session, runtime_dir)),
        })
    }

    fn name(&self) -> io::Result<Name<'_>> {
        #[cfg(unix)]
        {
            use interprocess::local_socket::{GenericFilePath, ToFsName};
            self.address.as_path().to_fs_name::<GenericFilePath>()
        }
        #[cfg(windows)]
        {
            use interprocess::local_socket::{GenericNamespaced, ToNsName};
            self.address.as_os_str().to_ns_name::<GenericNamespaced>()
        }
    }
}

/// The Windows pipe name: `ppdesk-agent-<user>-s<session>-<8 hex digits of the runtime dir>`.
/// The user (its SID) is reduced to characters every pipe name accepts; the session keeps the
/// same user's console and RDP logons apart; the hash (FNV-1a, stable across builds) keeps two
/// data locations of one user apart (tests, portable installs).
#[cfg_attr(not(windows), allow(dead_code))]
fn pipe_name(user: &str, session: u32, runtime_dir: &Path) -> String {
    let user: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut hash: u32 = 0x811c_9dc5;
    for byte in runtime_dir.to_string_lossy().to_lowercase().bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("ppdesk-agent-{user}-s{session}-{hash:08x}")
}

/// Asks the tray of this user to do `request`. `Ok(false)` when no tray runs (nothing
/// listens, or only a crashed tray's socket file is left); `Ok(true)` once the tray took it.
pub fn notify_running(paths: &AgentPaths, request: Request) -> Result<bool, InstanceError> {
    notify_at(&paths.runtime_dir(), request)
}

fn notify_at(runtime_dir: &Path, request: Request) -> Result<bool, InstanceError> {
    let endpoint = Endpoint::in_dir(runtime_dir)?;
    let name = endpoint.name().map_err(|source| InstanceError::Io {
        what: "socket name",
        path: endpoint.address.clone(),
        source,
    })?;
    let stream = match Stream::connect(name) {
        Ok(stream) => stream,
        Err(error) if nobody_listens(&error) => return Ok(false),
        Err(source) => {
            return Err(InstanceError::Io {
                what: "connecting to the tray at",
                path: endpoint.address,
                source,
            });
        }
    };
    let mut stream = stream;
    let _deadline = bound_exchange(&stream, EXCHANGE_TIMEOUT).map_err(InstanceError::NoAnswer)?;
    stream
        .write_all(format!("{}\n", request.as_str()).as_bytes())
        .map_err(InstanceError::NoAnswer)?;
    let answer = read_line(&mut stream).map_err(InstanceError::NoAnswer)?;
    if answer.trim() == OK {
        Ok(true)
    } else {
        Err(InstanceError::Refused(answer))
    }
}

/// Bounds one exchange on `stream` to `limit`: socket timeouts on Unix; on Windows a
/// watchdog that cancels the pending pipe I/O (keep the returned guard until the exchange is
/// over, and drop it before the stream).
#[cfg(unix)]
fn bound_exchange(stream: &Stream, limit: Duration) -> io::Result<ExchangeBound> {
    stream.set_recv_timeout(Some(limit))?;
    stream.set_send_timeout(Some(limit))?;
    Ok(ExchangeBound)
}

#[cfg(windows)]
fn bound_exchange(stream: &Stream, limit: Duration) -> io::Result<ExchangeBound> {
    windows::Deadline::arm(stream, limit)
}

/// Held while an exchange runs: nothing to undo on Unix (the socket keeps its timeouts).
#[cfg(unix)]
struct ExchangeBound;

/// Held while an exchange runs: the watchdog that cancels it when it takes too long.
#[cfg(windows)]
type ExchangeBound = windows::Deadline;

/// Connect errors that mean "no tray": no socket/pipe at all, or a socket file nobody owns.
fn nobody_listens(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
    )
}

fn read_line(stream: &mut impl Read) -> io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < MAX_LINE {
        match stream.read(&mut byte)? {
            0 => break,
            _ if byte[0] == b'\n' => break,
            _ => line.push(byte[0]),
        }
    }
    if line.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "closed without a line",
        ));
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// The tray's claim on being the one instance, and its listener. Dropping it removes the socket
/// file; the lock goes with the process.
#[derive(Debug)]
pub struct Instance {
    endpoint: Endpoint,
    _lock: File,
    listener: Option<interprocess::local_socket::Listener>,
}

impl Instance {
    /// Becomes this user's tray: `Ok(None)` when another process already is.
    pub fn acquire(paths: &AgentPaths) -> Result<Option<Self>, InstanceError> {
        let runtime_dir = paths
            .ensure_runtime_dir()
            .map_err(|source| InstanceError::Io {
                what: "creating",
                path: paths.runtime_dir(),
                source,
            })?;
        Self::acquire_in(&runtime_dir)
    }

    /// [`Self::acquire`] in an existing runtime directory.
    fn acquire_in(runtime_dir: &Path) -> Result<Option<Self>, InstanceError> {
        let endpoint = Endpoint::in_dir(runtime_dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&endpoint.lock)
            .map_err(|source| InstanceError::Io {
                what: "opening",
                path: endpoint.lock.clone(),
                source,
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(source)) => {
                return Err(InstanceError::Io {
                    what: "locking",
                    path: endpoint.lock,
                    source,
                });
            }
        }
        // We hold the lock, so any socket file here was left by a tray that died.
        #[cfg(unix)]
        match std::fs::remove_file(&endpoint.address) {
            Ok(()) => {
                tracing::info!(path = %endpoint.address.display(), "removed a stale tray socket")
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(InstanceError::Io {
                    what: "removing the stale socket",
                    path: endpoint.address,
                    source,
                });
            }
        }
        let listener = {
            let name = endpoint.name().map_err(|source| InstanceError::Io {
                what: "socket name",
                path: endpoint.address.clone(),
                source,
            })?;
            let options = ListenerOptions::new().name(name).reclaim_name(false);
            #[cfg(windows)]
            let options = {
                use interprocess::os::windows::local_socket::ListenerOptionsExt as _;
                let sid = windows::current_user_sid().map_err(InstanceError::Identity)?;
                let descriptor =
                    windows::only_user_may_connect(&sid).map_err(|source| InstanceError::Io {
                        what: "restricting to this user",
                        path: endpoint.address.clone(),
                        source,
                    })?;
                options.security_descriptor(descriptor)
            };
            options.create_sync().map_err(|source| InstanceError::Io {
                what: "listening on",
                path: endpoint.address.clone(),
                source,
            })?
        };
        Ok(Some(Self {
            endpoint,
            _lock: lock,
            listener: Some(listener),
        }))
    }

    /// Where clients reach this tray (socket file or pipe name), for logs.
    pub fn address(&self) -> &Path {
        &self.endpoint.address
    }

    /// Starts the thread that answers clients, calling `handler` for every request (on that
    /// thread). The thread sleeps in `accept` between requests. Call once.
    pub fn serve(&mut self, handler: impl Fn(Request) + Send + 'static) -> io::Result<()> {
        self.serve_bounded(handler, EXCHANGE_TIMEOUT)
    }

    /// [`Self::serve`], giving each client `limit` to say what it wants.
    fn serve_bounded(
        &mut self,
        handler: impl Fn(Request) + Send + 'static,
        limit: Duration,
    ) -> io::Result<()> {
        let Some(listener) = self.listener.take() else {
            return Err(io::Error::other("the tray already serves"));
        };
        std::thread::Builder::new()
            .name("tray-instance".into())
            .spawn(move || {
                for connection in listener.incoming() {
                    match connection {
                        Ok(stream) => answer(stream, &handler, limit),
                        Err(error) => {
                            tracing::warn!(%error, "tray socket: accept failed");
                            // A persistent accept error must not spin the CPU.
                            std::thread::sleep(Duration::from_secs(1));
                        }
                    }
                }
            })
            .map(|_| ())
    }
}

fn answer(mut stream: Stream, handler: &impl Fn(Request), limit: Duration) {
    let _deadline = match bound_exchange(&stream, limit) {
        Ok(deadline) => deadline,
        Err(error) => {
            // Without a bound a silent client could hold the listener: drop this one.
            tracing::warn!(%error, "tray socket: cannot bound the exchange");
            return;
        }
    };
    let line = match read_line(&mut stream) {
        Ok(line) => line,
        Err(error) => {
            tracing::warn!(%error, "tray socket: no request");
            return;
        }
    };
    let reply = match Request::parse(&line) {
        Some(request) => {
            tracing::info!(request = request.as_str(), "tray socket: request");
            handler(request);
            OK.to_owned()
        }
        None => {
            tracing::warn!(line, "tray socket: unknown request");
            "unknown request".to_owned()
        }
    };
    if let Err(error) = stream.write_all(format!("{reply}\n").as_bytes()) {
        tracing::warn!(%error, "tray socket: cannot answer");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Err(error) = std::fs::remove_file(&self.endpoint.address)
            && error.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(%error, "cannot remove the tray socket");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn requests_round_trip_on_the_wire() {
        for request in [Request::Compose, Request::OutboxChanged, Request::Quit] {
            assert_eq!(Request::parse(request.as_str()), Some(request));
            assert_eq!(
                Request::parse(&format!(" {}\r", request.as_str())),
                Some(request)
            );
        }
        assert_eq!(Request::parse("rm -rf"), None);
        assert_eq!(Request::parse(""), None);
    }

    #[test]
    fn pipe_names_are_per_user_session_and_location_and_safe() {
        let sid = "S-1-5-21-1004336348-1177238915-682003330-1001";
        let a = pipe_name(sid, 1, Path::new(r"C:\Users\mario\AppData\Local\ppdesk"));
        assert_eq!(
            a,
            format!(
                "ppdesk-agent-s-1-5-21-1004336348-1177238915-682003330-1001-s1-{}",
                &a[a.len() - 8..]
            )
        );
        assert_eq!(
            a,
            pipe_name(sid, 1, Path::new(r"c:\users\mario\appdata\local\ppdesk")),
            "Windows paths ignore case"
        );
        assert_ne!(
            a,
            pipe_name(sid, 2, Path::new(r"C:\Users\mario\AppData\Local\ppdesk")),
            "the same user in another session (RDP) gets another tray"
        );
        assert_ne!(
            a,
            pipe_name(sid, 1, Path::new(r"D:\portable\ppdesk")),
            "another data location gets another tray"
        );
        assert_ne!(
            a,
            pipe_name(
                "S-1-5-21-1-2-3-1002",
                1,
                Path::new(r"C:\Users\mario\AppData\Local\ppdesk")
            ),
        );
        assert!(!pipe_name(r"ACME\mario", 0, Path::new("x")).contains('\\'));
    }

    #[test]
    fn no_tray_means_false_not_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(!notify_at(dir.path(), Request::Compose).expect("no error"));
    }

    #[test]
    fn the_first_is_the_tray_and_hears_the_second() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = dir.path().join("run");
        std::fs::create_dir(&runtime).expect("runtime dir");
        let mut tray = Instance::acquire_in(&runtime)
            .expect("no error")
            .expect("the first becomes the tray");
        assert!(
            Instance::acquire_in(&runtime).expect("no error").is_none(),
            "a second tray must not start while the first holds the lock"
        );
        let (tx, rx) = mpsc::channel();
        tray.serve(move |request| tx.send(request).expect("test alive"))
            .expect("serve");
        assert!(notify_at(&runtime, Request::Compose).expect("talks"));
        assert!(notify_at(&runtime, Request::OutboxChanged).expect("talks"));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).ok(),
            Some(Request::Compose)
        );
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).ok(),
            Some(Request::OutboxChanged)
        );
        drop(tray);
        // The lock went with the tray: a new one may start.
        assert!(Instance::acquire_in(&runtime).expect("no error").is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_crashed_trays_socket_does_not_block_the_next() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = dir.path().to_owned();
        // A socket file nobody listens on, as a killed tray leaves it.
        let stale = std::os::unix::net::UnixListener::bind(runtime.join(SOCKET_FILE))
            .expect("bind a socket file");
        drop(stale);
        assert!(runtime.join(SOCKET_FILE).exists());
        assert!(
            !notify_at(&runtime, Request::Compose).expect("a stale socket is not an error"),
            "nobody listens on a stale socket"
        );
        let mut tray = Instance::acquire_in(&runtime)
            .expect("the stale socket is replaced")
            .expect("becomes the tray");
        let (tx, rx) = mpsc::channel();
        tray.serve(move |request| tx.send(request).expect("test alive"))
            .expect("serve");
        assert!(notify_at(&runtime, Request::Quit).expect("talks"));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).ok(),
            Some(Request::Quit)
        );
        drop(tray);
        assert!(
            !runtime.join(SOCKET_FILE).exists(),
            "a tray that quits cleanly removes its socket"
        );
    }

    #[test]
    fn garbage_is_refused_and_the_tray_keeps_listening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut tray = Instance::acquire_in(dir.path())
            .expect("no error")
            .expect("tray");
        let (tx, rx) = mpsc::channel();
        tray.serve(move |request| tx.send(request).expect("test alive"))
            .expect("serve");
        let endpoint = Endpoint::in_dir(dir.path()).expect("endpoint");
        let mut stream = Stream::connect(endpoint.name().expect("name")).expect("connect");
        stream.write_all(b"format c:\n").expect("write");
        let answer = read_line(&mut stream).expect("an answer");
        assert_eq!(answer, "unknown request");
        assert!(notify_at(dir.path(), Request::Compose).expect("still listening"));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).ok(),
            Some(Request::Compose)
        );
    }

    #[test]
    fn a_client_that_says_nothing_does_not_hold_the_tray() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut tray = Instance::acquire_in(dir.path())
            .expect("no error")
            .expect("tray");
        let (tx, rx) = mpsc::channel();
        tray.serve_bounded(
            move |request| tx.send(request).expect("test alive"),
            Duration::from_millis(300),
        )
        .expect("serve");
        let endpoint = Endpoint::in_dir(dir.path()).expect("endpoint");
        // Connects, then neither writes nor closes while the next client knocks.
        let silent = Stream::connect(endpoint.name().expect("name")).expect("connect");
        let started = std::time::Instant::now();
        assert!(notify_at(dir.path(), Request::Compose).expect("the tray answers the next one"));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).ok(),
            Some(Request::Compose)
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the silent client was given up after its limit, not the client's own 5 s: {:?}",
            started.elapsed()
        );
        drop(silent);
    }
}
