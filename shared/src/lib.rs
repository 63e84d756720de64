//! Types and rules shared by the ppdesk server and agent.
//!
//! Everything here is pure: no IO, no global state, no hidden clock. Time-dependent rules take
//! the current instant as an argument (see [`status::Clock`] for the injectable source).
//!
//! - [`tag`]: the subject tag codec (`#Standard# Ticket #[12345]`), tolerant of what mail
//!   clients and humans do to subjects, plus subject cleaning for outbound mail.
//! - [`status`]: the ticket status rules (who may do what, the reopen window, linked tickets).
//! - [`ticket`]: small shared enums (priority, intake channel).
//! - [`api`]: the HTTP API types between agent and server.
//! - [`agent_config`]: the tray agent's config file shape and resolved settings.

pub mod agent_config;
pub mod api;
pub mod status;
pub mod tag;
pub mod text_position;
pub mod ticket;

pub use status::{
    Actor, Clock, Decision, FixedClock, Lifecycle, ManualClock, ReopenWindow, StatusError,
    StatusEvent, SystemClock, TicketStatus, decide,
};
pub use tag::{
    FoundTag, TagError, TicketTag, clean_subject, parse_tag, parse_tags, tagged_subject,
};
pub use ticket::{Channel, ParseEnumError, Priority};
