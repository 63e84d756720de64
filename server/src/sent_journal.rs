//! A note of each mail the relay accepted, written the instant its 250 arrives.
//!
//! Recording a delivery in SQLite waits for the single writer, which may be busy with an
//! ingest batch for tens of milliseconds: a crash inside that wait would let the lease run out
//! and the mail go out a second time. An `O_APPEND` write of the id takes microseconds and, once
//! `write` returned, survives the process being killed (it is in the kernel's page cache), so
//! the next delivery round of whatever process comes next marks those ids sent before it looks
//! for due mail. Only a power cut inside the window can still duplicate a mail (the same
//! Message-ID, which mail clients fold together).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The journal file next to the database.
#[derive(Debug)]
pub struct SentJournal {
    path: PathBuf,
    file: Mutex<File>,
}

impl SentJournal {
    /// Opens (creating) the journal at `path` for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Notes that mail `id` was accepted. A failure is logged: the database record that
    /// follows is the durable one; the note only narrows the crash window.
    pub fn record(&self, id: i64) {
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(error) = file.write_all(format!("{id}\n").as_bytes()) {
            tracing::warn!(path = %self.path.display(), %error, "cannot note a delivery");
        }
    }

    /// Every id noted so far; lines that are not ids (a write torn by a crash) are skipped.
    pub fn noted(&self) -> io::Result<Vec<i64>> {
        let text = std::fs::read_to_string(&self.path)?;
        Ok(parse(&text))
    }

    /// Forgets every note (after they were all recorded in the database).
    pub fn clear(&self) -> io::Result<()> {
        let file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.set_len(0)
    }
}

/// The ids in a journal's text.
fn parse(text: &str) -> Vec<i64> {
    text.lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noted_ids_read_back_until_cleared_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("outbox-sent.journal");
        let journal = SentJournal::open(&path).expect("opens");
        journal.record(7);
        journal.record(42);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"4"))
            .expect("a torn write");
        // Another process (the one after a crash) reads what this one noted.
        let reopened = SentJournal::open(&path).expect("reopens");
        assert_eq!(reopened.noted().expect("reads"), vec![7, 42, 4]);
        reopened.clear().expect("clears");
        assert_eq!(reopened.noted().expect("reads"), Vec::<i64>::new());
        journal.record(8);
        assert_eq!(
            reopened.noted().expect("reads"),
            vec![8],
            "appends after a clear"
        );
    }

    #[test]
    fn only_whole_numbers_count() {
        assert_eq!(parse("1\nx\n\n 3 \n-\n"), vec![1, 3]);
    }
}
