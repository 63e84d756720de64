//! Mail formats: parsing what comes in, telling robots from people, rendering what goes out.

pub mod html;
pub mod inbound;
pub mod machine_mail;
pub mod outbound;
