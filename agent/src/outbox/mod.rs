//! The local outbox: every ticket is written here before any network call and leaves only once
//! the server, the relay or the mail client took it (A5: nothing drafted is lost).
//!
//! One directory per draft, named by its [`DraftId`]:
//!
//! ```text
//! outbox/
//!   20261126T120405-9f3a1c2b/
//!     draft.json          the Draft without file bytes
//!     screenshot.png      the redacted screenshot, when there is one
//!     attachment-0        the attachments' bytes, in order
//!     state.json          attempts so far, last error, next attempt (absent before the first)
//!   .locks/<id>.lock      held (OS file lock) while a process sends that draft
//! ```
//!
//! A draft is written into `.tmp-<id>` and renamed into place, so a crash never leaves half a
//! draft that looks complete; a sent draft is renamed to `.done-<id>` before it is deleted, so a
//! crash mid-delete never resends it. Several processes share the outbox (the tray's retry
//! loop, a compose window, `ppdesk-agent outbox --send`): the per-draft lock makes sure only one
//! of them sends a draft at a time. A crash after the server accepted a draft but before it was
//! removed sends it again on the next round; the server recognises the draft id (API) or the
//! Message-ID (mail) and opens no second ticket.

pub mod backoff;
mod delivery;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::draft::{Draft, DraftId, DraftProblem};

pub use delivery::{DeliveryRound, Submitted, deliver_due, deliver_now, submit};

const DRAFT_FILE: &str = "draft.json";
const STATE_FILE: &str = "state.json";
const SCREENSHOT_FILE: &str = "screenshot.png";
const LOCKS_DIR: &str = ".locks";
const TMP_PREFIX: &str = ".tmp-";
const DONE_PREFIX: &str = ".done-";

/// What can go wrong with the outbox itself (not with sending).
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("outbox {path}: unreadable draft: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("the ticket cannot be sent: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid { problems: Vec<DraftProblem> },
    #[error("outbox: no draft {id}")]
    NotFound { id: DraftId },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutboxError + '_ {
    move |source| OutboxError::Io {
        path: path.to_owned(),
        source,
    }
}

/// How far a draft got.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryState {
    /// Failed attempts so far.
    pub attempts: u32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, in the words of the server, relay or OS.
    pub last_error: Option<String>,
    /// When the next automatic attempt is due; `None` before the first attempt.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The other side refused the draft itself (not a network problem): it stays in the outbox,
    /// listed, but is retried only on request.
    pub refused: bool,
    /// Accepted, but the draft could not be removed yet (e.g. a file held open by an
    /// antivirus): never sent again, removed by the next [`Outbox::open`].
    #[serde(default)]
    pub delivered: bool,
}

impl DeliveryState {
    /// Whether an automatic round should send this draft at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        !self.refused && !self.delivered && self.next_attempt_at.is_none_or(|at| at <= now)
    }
}

/// One draft as the outbox lists it (no file bytes loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: DraftId,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub files: usize,
    pub state: DeliveryState,
}

/// The outbox directory of one user.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

/// Only the fields `list` needs, so listing does not depend on every field parsing.
#[derive(Deserialize)]
struct DraftHeader {
    subject: String,
    created_at: DateTime<Utc>,
    #[serde(default)]
    screenshot: Option<serde_json::Value>,
    #[serde(default)]
    attachments: Vec<serde_json::Value>,
}

impl Outbox {
    /// Opens (creating if needed) the outbox at `dir`, and clears what interrupted writes and
    /// deletes left behind.
    pub fn open(dir: &Path) -> Result<Self, OutboxError> {
        create_private_dir(dir)?;
        fs::create_dir_all(dir.join(LOCKS_DIR)).map_err(io_error(dir))?;
        let outbox = Self {
            dir: dir.to_owned(),
        };
        for entry in fs::read_dir(dir).map_err(io_error(dir))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let leftover = name.starts_with(DONE_PREFIX)
                || (name.starts_with(TMP_PREFIX)
                    && outbox.try_lock_name(&name[TMP_PREFIX.len()..]).is_some());
            if leftover && let Err(error) = fs::remove_dir_all(entry.path()) {
                tracing::warn!(path = %entry.path().display(), %error, "outbox: cannot clear leftover");
            }
            if let Some(id) = DraftId::parse(&name)
                && outbox.state(&id).is_ok_and(|state| state.delivered)
                && let Some(_lock) = outbox.try_lock(&id)
                && let Err(error) = outbox.remove(&id)
            {
                tracing::warn!(draft = %id, %error, "outbox: delivered draft still not removed");
            }
        }
        outbox.clear_stale_locks();
        Ok(outbox)
    }

    /// Deletes the lock files of drafts that are gone and that nobody holds.
    fn clear_stale_locks(&self) {
        let Ok(entries) = fs::read_dir(self.dir.join(LOCKS_DIR)) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".lock") else {
                continue;
            };
            let draft_exists =
                self.dir.join(id).exists() || self.dir.join(format!("{TMP_PREFIX}{id}")).exists();
            if !draft_exists && let Some(lock) = self.try_lock_name(id) {
                // Removed while held, so no other process can take the old file meanwhile.
                let _ = fs::remove_file(entry.path());
                drop(lock);
            }
        }
    }

    /// The directory this outbox lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn draft_dir(&self, id: &DraftId) -> PathBuf {
        self.dir.join(id.as_str())
    }

    /// Writes `draft` durably. Refuses a draft with [`Draft::problems`]. A draft is immutable
    /// once stored: writing the same id again leaves the stored one as it is.
    pub fn put(&self, draft: &Draft) -> Result<(), OutboxError> {
        let problems = draft.problems();
        if !problems.is_empty() {
            return Err(OutboxError::Invalid { problems });
        }
        let final_dir = self.draft_dir(&draft.id);
        if final_dir.exists() {
            return Ok(());
        }
        // Held while writing so a concurrent `open` does not clear our temporary directory.
        let _lock = self.try_lock(&draft.id);
        let tmp = self.dir.join(format!("{TMP_PREFIX}{}", draft.id));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_error(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io_error(&tmp))?;
        if let Some(shot) = &draft.screenshot {
            write_synced(&tmp.join(SCREENSHOT_FILE), &shot.bytes)?;
        }
        for (index, attachment) in draft.attachments.iter().enumerate() {
            write_synced(&tmp.join(format!("attachment-{index}")), &attachment.bytes)?;
        }
        let json = serde_json::to_vec_pretty(draft).map_err(|e| OutboxError::Corrupt {
            path: tmp.join(DRAFT_FILE),
            reason: e.to_string(),
        })?;
        write_synced(&tmp.join(DRAFT_FILE), &json)?;
        fs::rename(&tmp, &final_dir).map_err(io_error(&final_dir))?;
        sync_dir(&self.dir);
        Ok(())
    }

    /// Reads a stored draft back with its files.
    pub fn load(&self, id: &DraftId) -> Result<Draft, OutboxError> {
        let dir = self.draft_dir(id);
        let json_path = dir.join(DRAFT_FILE);
        let json = match fs::read(&json_path) {
            Ok(json) => json,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(OutboxError::NotFound { id: id.clone() });
            }
            Err(error) => return Err(io_error(&json_path)(error)),
        };
        let mut draft: Draft = serde_json::from_slice(&json).map_err(|e| OutboxError::Corrupt {
            path: json_path.clone(),
            reason: e.to_string(),
        })?;
        if let Some(shot) = &mut draft.screenshot {
            let path = dir.join(SCREENSHOT_FILE);
            shot.bytes = fs::read(&path).map_err(io_error(&path))?;
        }
        for (index, attachment) in draft.attachments.iter_mut().enumerate() {
            let path = dir.join(format!("attachment-{index}"));
            attachment.bytes = fs::read(&path).map_err(io_error(&path))?;
        }
        Ok(draft)
    }

    /// The delivery state of a stored draft (default before the first attempt).
    pub fn state(&self, id: &DraftId) -> Result<DeliveryState, OutboxError> {
        let path = self.draft_dir(id).join(STATE_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| OutboxError::Corrupt {
                path,
                reason: e.to_string(),
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(DeliveryState::default()),
            Err(error) => Err(io_error(&path)(error)),
        }
    }

    /// Replaces a draft's delivery state (atomically: temp file + rename).
    pub fn set_state(&self, id: &DraftId, state: &DeliveryState) -> Result<(), OutboxError> {
        let dir = self.draft_dir(id);
        if !dir.is_dir() {
            return Err(OutboxError::NotFound { id: id.clone() });
        }
        let json = serde_json::to_vec_pretty(state).map_err(|e| OutboxError::Corrupt {
            path: dir.join(STATE_FILE),
            reason: e.to_string(),
        })?;
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        write_synced(&tmp, &json)?;
        let path = dir.join(STATE_FILE);
        fs::rename(&tmp, &path).map_err(io_error(&path))
    }

    /// Removes a draft that was accepted. The rename first means a crash halfway through the
    /// delete leaves a `.done-` directory that is cleared, never a draft that is resent.
    pub fn remove(&self, id: &DraftId) -> Result<(), OutboxError> {
        let dir = self.draft_dir(id);
        let done = self.dir.join(format!("{DONE_PREFIX}{id}"));
        match fs::rename(&dir, &done) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(io_error(&dir)(error)),
        }
        sync_dir(&self.dir);
        if let Err(error) = fs::remove_dir_all(&done) {
            tracing::warn!(path = %done.display(), %error, "outbox: sent draft not deleted yet");
        }
        // Best effort (Windows refuses while the caller holds it): `open` clears the rest.
        let _ = fs::remove_file(self.dir.join(LOCKS_DIR).join(format!("{id}.lock")));
        Ok(())
    }

    /// Every stored draft, oldest first. A draft whose files cannot be read is listed with the
    /// reason as its last error rather than hidden.
    pub fn list(&self) -> Result<Vec<Entry>, OutboxError> {
        let mut entries = Vec::new();
        for dir_entry in fs::read_dir(&self.dir)
            .map_err(io_error(&self.dir))?
            .flatten()
        {
            let name = dir_entry.file_name().to_string_lossy().into_owned();
            let Some(id) = DraftId::parse(&name) else {
                continue;
            };
            if !dir_entry.path().is_dir() {
                continue;
            }
            let json_path = dir_entry.path().join(DRAFT_FILE);
            let header = fs::read(&json_path)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    serde_json::from_slice::<DraftHeader>(&bytes).map_err(|e| e.to_string())
                });
            let mut state = self.state(&id).unwrap_or_else(|error| DeliveryState {
                last_error: Some(error.to_string()),
                ..DeliveryState::default()
            });
            if state.delivered {
                continue;
            }
            let entry = match header {
                Ok(header) => Entry {
                    id,
                    subject: header.subject,
                    created_at: header.created_at,
                    files: header.screenshot.iter().count() + header.attachments.len(),
                    state,
                },
                Err(reason) => {
                    state.last_error = Some(format!("{}: {reason}", json_path.display()));
                    state.refused = true;
                    Entry {
                        id,
                        subject: String::new(),
                        created_at: DateTime::<Utc>::MIN_UTC,
                        files: 0,
                        state,
                    }
                }
            };
            entries.push(entry);
        }
        entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(entries)
    }

    /// How many drafts wait (for the tray's badge); 0 when the outbox cannot be read.
    pub fn pending_count(&self) -> usize {
        self.list().map(|entries| entries.len()).unwrap_or(0)
    }

    /// Takes the send lock of a draft, or `None` when another process holds it. Released when
    /// the returned guard drops, or by the OS when the process dies.
    pub fn try_lock(&self, id: &DraftId) -> Option<DraftLock> {
        self.try_lock_name(id.as_str())
    }

    fn try_lock_name(&self, name: &str) -> Option<DraftLock> {
        let path = self.dir.join(LOCKS_DIR).join(format!("{name}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .ok()?;
        match file.try_lock() {
            Ok(()) => Some(DraftLock { _file: file }),
            Err(_) => None,
        }
    }
}

/// Proof that this process alone sends a draft right now.
#[derive(Debug)]
pub struct DraftLock {
    _file: File,
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), OutboxError> {
    let mut file = File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

/// Creates `dir` readable by this user only (Unix: 0700): drafts hold screenshots and the
/// user's words. On Windows the per-user profile folder already is private.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), OutboxError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_error(dir))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_error(dir))
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir).map_err(io_error(dir))
    }
}

/// Makes renames in `dir` durable (Unix; on Windows NTFS journals the rename itself).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests;
