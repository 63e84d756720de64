//! The ppdesk helpdesk server: mail becomes tagged tickets, replies thread back, every
//! acknowledgement goes through a durable outbox.
//!
//! Domain rules are plain functions over plain data, each in a file named for what it decides:
//! [`correlation`], [`ack_policy`], [`routing`], [`mail::machine_mail`], [`organisations`],
//! [`api::submission`], plus the tag codec and status rules of `ppdesk_shared`. Storage
//! ([`store`]), transports ([`transport`]) and HTTP ([`http`]) are edges behind small traits.
//! [`desk::Desk`] ties them together.

pub mod access;
pub mod accounts;
pub mod ack_policy;
pub mod admin;
pub mod api;
pub mod blobs;
pub mod catalog;
pub mod config;
pub mod console_actions;
pub mod correlation;
pub mod demo;
pub mod desk;
pub mod http;
pub mod ingest;
pub mod intake;
pub mod kb;
pub mod login_throttle;
pub mod mail;
pub mod merge;
pub mod message_id;
pub mod metrics;
pub mod operator;
pub mod organisations;
pub mod outbox;
pub mod queue_filter;
pub mod routing;
pub mod sent_journal;
pub mod serve;
pub mod sla;
pub mod store;
pub mod transport;
pub mod triage;
pub mod views;
pub mod web;
