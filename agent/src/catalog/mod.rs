//! Every sentence the agent shows a person, in Italian (the default) and English.
//!
//! One submodule per part of the agent, each a struct of `&'static str` (or small functions for
//! sentences with numbers) with one constant per language, so a translator reads one file per
//! window and a missing translation is a compile error.

pub use ppdesk_shared::agent_config::Language;

pub mod compose;
pub mod doctor;
pub mod outbox;
pub mod tray;
