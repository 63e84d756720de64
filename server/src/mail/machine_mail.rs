//! Decides whether a message was written by a person or sent by a machine (auto-reply, bounce,
//! mailing list). Machines never open tickets and never get an acknowledgement: that is what keeps
//! two robots from mailing each other forever.

use super::inbound::{InboundMail, MachineHeaders, Mailbox};

/// Who wrote the message, as far as the headers tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Person,
    /// Out-of-office and other automatic answers (RFC 3834 and vendor headers).
    AutoReply,
    /// Delivery failures and reports (null sender, MAILER-DAEMON, multipart/report).
    Bounce,
    /// Bulk or list traffic.
    List,
}

impl Author {
    /// Anything but a person.
    pub fn is_machine(self) -> bool {
        self != Author::Person
    }

    /// The message kind under which this author's messages are stored.
    pub fn message_kind(self) -> &'static str {
        match self {
            Author::Person => "customer",
            Author::AutoReply | Author::List => "auto_reply",
            Author::Bounce => "bounce",
        }
    }
}

/// Classifies a message by its headers and sender.
pub fn classify(mail: &InboundMail) -> Author {
    if is_bounce(&mail.machine, mail.from.as_ref()) {
        return Author::Bounce;
    }
    let headers = &mail.machine;
    let auto_submitted = headers
        .auto_submitted
        .as_deref()
        .is_some_and(|value| !first_token(value).eq_ignore_ascii_case("no"));
    if auto_submitted || headers.x_autoreply || headers.x_autorespond {
        return Author::AutoReply;
    }
    if headers.list_id {
        return Author::List;
    }
    match headers.precedence.as_deref().map(first_token) {
        Some(p) if p.eq_ignore_ascii_case("auto_reply") => Author::AutoReply,
        Some(p)
            if ["bulk", "junk", "list"]
                .iter()
                .any(|kind| p.eq_ignore_ascii_case(kind)) =>
        {
            Author::List
        }
        _ => Author::Person,
    }
}

fn is_bounce(headers: &MachineHeaders, from: Option<&Mailbox>) -> bool {
    let daemon_sender = from.is_some_and(|mailbox| {
        let local = mailbox
            .address
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        local == "mailer-daemon" || local == "postmaster"
    });
    headers.null_return_path || headers.multipart_report || daemon_sender
}

/// `Auto-Submitted: auto-replied; owner-email="x"` → `auto-replied`.
fn first_token(value: &str) -> &str {
    value
        .split([';', ' ', '\t'])
        .next()
        .unwrap_or_default()
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail_with(machine: MachineHeaders, from: &str) -> InboundMail {
        InboundMail {
            from: Some(Mailbox {
                address: from.to_string(),
                name: None,
            }),
            machine,
            ..InboundMail::default()
        }
    }

    #[test]
    fn a_plain_message_is_a_person() {
        assert_eq!(
            classify(&mail_with(MachineHeaders::default(), "mario@acme.it")),
            Author::Person
        );
        let explicit_no = MachineHeaders {
            auto_submitted: Some("no".into()),
            ..Default::default()
        };
        assert_eq!(
            classify(&mail_with(explicit_no, "mario@acme.it")),
            Author::Person
        );
    }

    #[test]
    fn auto_replies_are_recognised_by_every_header_robots_use() {
        let cases = [
            MachineHeaders {
                auto_submitted: Some("auto-replied".into()),
                ..Default::default()
            },
            MachineHeaders {
                auto_submitted: Some("auto-generated; owner=x".into()),
                ..Default::default()
            },
            MachineHeaders {
                x_autoreply: true,
                ..Default::default()
            },
            MachineHeaders {
                x_autorespond: true,
                ..Default::default()
            },
            MachineHeaders {
                precedence: Some("auto_reply".into()),
                ..Default::default()
            },
        ];
        for headers in cases {
            assert_eq!(
                classify(&mail_with(headers.clone(), "x@acme.it")),
                Author::AutoReply,
                "{headers:?}"
            );
        }
    }

    #[test]
    fn lists_and_bulk_are_machines() {
        for precedence in ["bulk", "Junk", "list"] {
            let headers = MachineHeaders {
                precedence: Some(precedence.into()),
                ..Default::default()
            };
            assert_eq!(classify(&mail_with(headers, "x@acme.it")), Author::List);
        }
        let headers = MachineHeaders {
            list_id: true,
            ..Default::default()
        };
        assert!(classify(&mail_with(headers, "x@acme.it")).is_machine());
    }

    #[test]
    fn bounces_by_null_sender_report_or_daemon_address() {
        let null = MachineHeaders {
            null_return_path: true,
            ..Default::default()
        };
        assert_eq!(classify(&mail_with(null, "x@acme.it")), Author::Bounce);
        let report = MachineHeaders {
            multipart_report: true,
            ..Default::default()
        };
        assert_eq!(classify(&mail_with(report, "x@acme.it")), Author::Bounce);
        for daemon in ["MAILER-DAEMON@mx.acme.it", "postmaster@acme.it"] {
            assert_eq!(
                classify(&mail_with(
                    MachineHeaders::default(),
                    &daemon.to_lowercase()
                )),
                Author::Bounce
            );
        }
    }
}
