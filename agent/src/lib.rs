//! The ppdesk tray agent.
//!
//! One binary, several short lives: the long-lived tray process ([`tray`]) sleeps until the
//! user clicks "++", captures the screen ([`capture`]) before any window of ours shows, and
//! starts the compose window ([`compose`]) as a separate process, which exits after Send so
//! its GL context never stays resident. Every ticket is written to the local [`outbox`] before
//! any network call and leaves it only once a [`transport`] got it accepted.
//!
//! Rules that decide something are plain functions over plain data: [`draft`] (what a ticket
//! to be is), [`subject_quality`] (is the subject too vague), [`redaction`] (which pixels are
//! blacked out), [`outbox::backoff`] (when to retry), [`config::layering`] (which key wins).

pub mod capture;
pub mod catalog;
pub mod compose;
pub mod config;
pub mod doctor;
pub mod draft;
pub mod facts;
pub mod instance;
pub mod my_tickets;
pub mod notify;
pub mod outbox;
pub mod paths;
pub mod redaction;
pub mod remembered_contact;
pub mod subject_quality;
pub mod tls;
pub mod transport;
pub mod tray;
