//! Mail intake for the long-running server: the helpdesk mailbox over IMAP, and an LMTP
//! listener an MTA can deliver to. Both hand raw messages to `Desk::ingest` and only then
//! acknowledge them to their source (flag/move, or the LMTP reply).

pub mod imap;
pub mod lmtp;
