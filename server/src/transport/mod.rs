//! Outbound transports. The spool (a folder of .eml files) is the embedded default.

pub mod spool;
