//! The doctor's rules on given inputs: what answers and errors mean, how the report reads,
//! when it is healthy. The network steps against a real server and relay are in the e2e tests
//! (`tests/e2e/agent_cli.rs`); only a closed loopback port, where nothing answers, is tried here.

use std::net::TcpListener;

use ppdesk_shared::agent_config::SmtpSettings;

use super::*;
use crate::config::{Locations, Source, inspect_at};

// ---------------------------------------------------------------- helpers

/// A config with only the given keys, resolved as the agent would.
fn config_from(text: &str) -> AgentConfig {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("agent.toml");
    std::fs::write(&path, text).expect("write");
    let locations = Locations {
        explicit: Some(path),
        ..Locations::default()
    };
    let inspection = inspect_at(&locations, &|_| None, "Mario Rossi");
    assert!(inspection.errors.is_empty(), "{:?}", inspection.errors);
    inspection.loaded.config
}

/// A port on loopback where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

// ---------------------------------------------------------------- pure rules

#[test]
fn tokens_show_only_their_first_six_characters() {
    let token = format!("ppd_{}", "ab".repeat(32));
    assert_eq!(mask_token(&token), "ppd_ab…");
    assert_eq!(mask_token("short"), "…");
    assert_eq!(mask_token("exactly-17-chars!"), "…");
    assert_eq!(mask_token("eighteen-chars-xyz"), "eighte…");
}

#[test]
fn settings_say_where_each_value_came_from_and_hide_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let machine = dir.path().join("machine.toml");
    std::fs::write(
        &machine,
        "server_url = \"https://helpdesk.example.it\"\norg_token = \"ppd_0123456789abcdef0123\"\n",
    )
    .expect("write");
    let locations = Locations {
        explicit: None,
        machine: Some(machine.clone()),
        user: Some(dir.path().join("user.toml")),
    };
    let env = |var: &'static str| (var == "PPDESK_MODE").then(|| "api".to_owned());
    let inspection = inspect_at(&locations, &env, "Mario Rossi");
    let rows = settings(&inspection.loaded);
    let row = |key: &str| {
        rows.iter()
            .find(|row| row.key == key)
            .unwrap_or_else(|| panic!("{key} not shown: {rows:?}"))
    };
    assert_eq!(row("org_token").value.as_deref(), Some("ppd_01…"));
    assert_eq!(
        row("org_token").place.to_string(),
        format!("{}:2", machine.display())
    );
    assert_eq!(row("mode").place.source, Source::Env("PPDESK_MODE"));
    assert_eq!(row("contact.name").value.as_deref(), Some("Mario Rossi"));
    assert_eq!(row("contact.email").value, None);
    assert!(
        rows.iter().all(|row| !row.key.starts_with("smtp.")),
        "unused [smtp] keys are not shown in api mode"
    );

    std::fs::write(
        &machine,
        "mode = \"smtp\"\n[smtp]\nhost = \"mail.example.it\"\nusername = \"u\"\npassword = \"hunter2\"\n",
    )
    .expect("write");
    let inspection = inspect_at(&locations, &|_| None, "Mario Rossi");
    let rows = settings(&inspection.loaded);
    let password = rows
        .iter()
        .find(|row| row.key == "smtp.password")
        .expect("shown in smtp mode");
    assert_eq!(password.value.as_deref(), Some("••••••"));
    assert!(!format!("{rows:?}").contains("hunter2"));
}

#[test]
fn ticket_list_answers_are_read_as_the_person_needs_them() {
    let url = "http://h/api/v1/tickets?contact=a%40b.it";
    assert_eq!(
        tickets_outcome(200, "[]", "a@b.it", url),
        Outcome::Passed(Passed::TokenAccepted {
            tickets: 0,
            contact: "a@b.it".into()
        })
    );
    for status in [401, 403] {
        assert_eq!(
            tickets_outcome(status, "", "a@b.it", url),
            Outcome::Failed(Failure::TokenRefused { status })
        );
    }
    assert_eq!(
        tickets_outcome(404, "", "a@b.it", url),
        Outcome::Failed(Failure::ApiNotFound { url: url.into() })
    );
    assert_eq!(
        tickets_outcome(
            400,
            r#"{"error":"invalid_field","message":"contact: not an address","field":"contact"}"#,
            "a@b.it",
            url
        ),
        Outcome::Failed(Failure::HttpStatus {
            status: 400,
            message: Some("contact: not an address".into())
        })
    );
    assert!(matches!(
        tickets_outcome(200, "<html>", "a@b.it", url),
        Outcome::Failed(Failure::HttpStatus { status: 200, .. })
    ));
    assert_eq!(health_outcome(204, ""), Outcome::Passed(Passed::Answered));
    assert_eq!(
        health_outcome(503, "<html>busy</html>"),
        Outcome::Failed(Failure::HttpStatus {
            status: 503,
            message: None
        })
    );
}

#[test]
fn connection_failures_are_told_apart() {
    let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
    assert_eq!(net_failure(&refused), NetFailure::Refused);

    #[derive(Debug)]
    struct Wrapped(&'static str, io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl StdError for Wrapped {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.1)
        }
    }
    let dns = Wrapped(
        "client error (Connect)",
        io::Error::other(
            "dns error: failed to lookup address information: Name or service not known",
        ),
    );
    assert_eq!(net_failure(&dns), NetFailure::Dns);
    let tls = io::Error::new(
        io::ErrorKind::InvalidData,
        rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
    );
    assert_eq!(net_failure(&tls), NetFailure::Tls);
    assert_eq!(
        net_failure(&io::Error::other("something else")),
        NetFailure::Other
    );
    assert_eq!(
        error_chain(&Wrapped("outer", io::Error::other("inner"))),
        "outer: inner"
    );
}

#[test]
fn the_default_mail_program_is_read_from_xdg_mime_and_assoc() {
    assert_eq!(
        xdg_mime_outcome(Ok((true, "thunderbird.desktop\n".into()))),
        Outcome::Passed(Passed::MailHandler {
            handler: "thunderbird.desktop".into()
        })
    );
    assert_eq!(
        xdg_mime_outcome(Ok((true, "\n".into()))),
        Outcome::Failed(Failure::NoMailHandler)
    );
    assert_eq!(
        xdg_mime_outcome(Err(io::Error::from(io::ErrorKind::NotFound))),
        Outcome::CannotCheck(CannotCheck::XdgMimeMissing)
    );
    assert_eq!(
        assoc_outcome(Ok((true, ".eml=Outlook.File.eml.15\r\n".into()))),
        Outcome::Passed(Passed::MailHandler {
            handler: "Outlook.File.eml.15".into()
        })
    );
    assert_eq!(
        assoc_outcome(Ok((
            false,
            "File association not found for extension .eml\r\n".into()
        ))),
        Outcome::Failed(Failure::NoMailHandler)
    );
}

// ---------------------------------------------------------------- api mode

#[test]
fn the_api_steps_ask_healthz_and_the_ticket_list_of_the_contact() {
    assert_eq!(
        api_urls("http://127.0.0.1:8080/", Some("mario@acme.it")),
        ApiUrls {
            health: "http://127.0.0.1:8080/healthz".into(),
            tickets: "http://127.0.0.1:8080/api/v1/tickets?contact=mario%40acme.it".into(),
            contact: "mario@acme.it".into(),
        }
    );
    // Without a configured contact, the probe address (which belongs to nobody) is used.
    let urls = api_urls("https://h.example.it/desk", None);
    assert_eq!(urls.health, "https://h.example.it/desk/healthz");
    assert_eq!(
        urls.tickets,
        "https://h.example.it/desk/api/v1/tickets?contact=ppdesk-doctor%40example.invalid"
    );
    assert_eq!(urls.contact, PROBE_CONTACT);
}

#[test]
fn the_token_is_tried_only_after_a_healthy_answer_and_only_when_set() {
    let healthy = Outcome::Passed(Passed::Answered);
    assert_eq!(token_to_try(&healthy, Some("tok")), Ok("tok"));
    assert_eq!(
        token_to_try(&healthy, None),
        Err(Skip::NotConfigured { key: "org_token" })
    );
    let down = Outcome::Failed(Failure::HttpStatus {
        status: 503,
        message: None,
    });
    assert_eq!(token_to_try(&down, Some("tok")), Err(Skip::EarlierFailed));
    assert_eq!(token_to_try(&down, None), Err(Skip::EarlierFailed));
}

#[test]
fn nothing_listening_is_said_plainly_with_the_url() {
    let port = closed_port();
    let config = config_from(&format!(
        "server_url = \"http://127.0.0.1:{port}\"\norg_token = \"t\"\n"
    ));
    let checks = check_api(&config);
    match &checks[0].outcome {
        Outcome::Failed(Failure::Unreachable {
            failure, target, ..
        }) => {
            assert_eq!(*failure, NetFailure::Refused);
            assert_eq!(target, &format!("http://127.0.0.1:{port}/healthz"));
        }
        other => panic!("expected refused, got {other:?}"),
    }
    assert_eq!(checks[1].outcome, Outcome::Skipped(Skip::EarlierFailed));
}

#[test]
fn api_steps_are_skipped_without_a_usable_server_url() {
    let config = config_from("server_url = \"htp://x\"\n");
    let checks = check_api(&config);
    assert_eq!(checks.len(), 2);
    assert!(
        checks
            .iter()
            .all(|c| c.outcome == Outcome::Skipped(Skip::NotConfigured { key: "server_url" })),
        "{checks:?}"
    );
}

// ---------------------------------------------------------------- smtp mode

#[test]
fn smtp_errors_are_read_as_a_refusal_or_as_no_conversation() {
    let target = "mail.example.it:587";
    let words = "permanent error (554): 5.3.2 no service for you".to_owned();
    assert_eq!(
        smtp_failure(SmtpErrorKind::Refused, words.clone(), target),
        Failure::SmtpRefused {
            detail: words.clone()
        }
    );
    for (kind, failure) in [
        (SmtpErrorKind::Timeout, NetFailure::Timeout),
        (SmtpErrorKind::Tls, NetFailure::Tls),
        (
            SmtpErrorKind::Connection(NetFailure::Refused),
            NetFailure::Refused,
        ),
        (SmtpErrorKind::Connection(NetFailure::Dns), NetFailure::Dns),
    ] {
        assert_eq!(
            smtp_failure(kind, "d".into(), target),
            Failure::Unreachable {
                failure,
                target: target.into(),
                detail: "d".into()
            },
            "{kind:?}"
        );
    }
}

#[test]
fn no_relay_listening_is_connection_refused() {
    let port = closed_port();
    let mut config = config_from(
        "mode = \"smtp\"\nhelpdesk_email = \"help@example.it\"\n[contact]\nemail = \"mario@acme.it\"\n[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\n",
    );
    config.smtp = SmtpSettings {
        port,
        ..config.smtp
    };
    let check = check_smtp(&config);
    assert_eq!(
        check.step,
        Step::Smtp {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None
        }
    );
    assert!(
        matches!(
            &check.outcome,
            Outcome::Failed(Failure::Unreachable { failure: NetFailure::Refused, target, .. })
                if target == &format!("127.0.0.1:{port}")
        ),
        "{:?}",
        check.outcome
    );
}

// ---------------------------------------------------------------- the report

fn report_for(text: &str, checks: Vec<Check>) -> Report {
    let dir = tempfile::tempdir().expect("temp dir");
    let machine = dir.path().join("machine.toml");
    std::fs::write(&machine, text).expect("write");
    let locations = Locations {
        explicit: None,
        machine: Some(machine),
        user: Some(dir.path().join("user.toml")),
    };
    Report::new(
        inspect_at(&locations, &|_| None, "Mario Rossi"),
        false,
        checks,
    )
}

fn passed_api_checks() -> Vec<Check> {
    vec![
        Check {
            step: Step::ServerHealth {
                url: "https://h.example.it/healthz".into(),
            },
            outcome: Outcome::Passed(Passed::Answered),
        },
        Check {
            step: Step::OrgToken {
                url: "https://h.example.it/api/v1/tickets?contact=x".into(),
            },
            outcome: Outcome::Passed(Passed::TokenAccepted {
                tickets: 2,
                contact: "mario@acme.it".into(),
            }),
        },
    ]
}

#[test]
fn a_clean_config_with_passing_checks_is_healthy() {
    let report = report_for(
        "language = \"en\"\nserver_url = \"https://h.example.it\"\norg_token = \"ppd_0123456789abcdef0123\"\n",
        passed_api_checks(),
    );
    assert!(report.is_healthy(), "{report:#?}");
    assert_eq!(report.problem_count(), 0);
    let text = render(&report);
    assert!(text.contains("Result: everything is fine."), "{text}");
    assert!(text.contains("org_token            = ppd_01…"), "{text}");
    assert!(
        !text.contains("0123456789abcdef"),
        "the token leaks: {text}"
    );
    assert!(text.contains("missing  per-user"), "{text}");
    assert!(
        text.contains("[ok]  GET https://h.example.it/api/v1/tickets?contact=x (organisation token): the server accepts the organisation token (2 tickets for mario@acme.it)"),
        "{text}"
    );
}

#[test]
fn problems_and_failures_make_it_unhealthy_and_are_listed_with_their_place() {
    let mut checks = passed_api_checks();
    checks[1].outcome = Outcome::Failed(Failure::TokenRefused { status: 401 });
    let report = report_for(
        "language = \"en\"\norg_token = \"ppd_0123456789abcdef0123\"\nserver_url = \"https://h.example.it\"\nhelpdesk_email = \"nope\"\n",
        checks,
    );
    assert!(!report.is_healthy());
    assert_eq!(report.problem_count(), 2);
    let text = render(&report);
    assert!(
        text.contains(r#"[ERR] "#)
            && text.contains(r#"machine.toml:4: helpdesk_email: "nope" is not an email address"#),
        "{text}"
    );
    assert!(
        text.contains("the server refused the organisation token (HTTP 401)"),
        "{text}"
    );
    assert!(text.contains("Result: problems found: 2."), "{text}");
}

#[test]
fn a_broken_file_is_listed_and_the_connection_is_not_tried() {
    let dir = tempfile::tempdir().expect("temp dir");
    let machine = dir.path().join("machine.toml");
    std::fs::write(&machine, "language = \"en\"\nserver_url = \"https://x\n").expect("write");
    let locations = Locations {
        explicit: None,
        machine: Some(machine.clone()),
        user: None,
    };
    let inspection = inspect_at(&locations, &|_| None, "N");
    let checks = skipped(&inspection.loaded.config, Skip::ConfigBroken);
    let report = Report::new(inspection, false, checks);
    assert!(!report.is_healthy());
    let text = render(&report);
    assert!(
        text.contains(&format!("[ERR] {}:2:", machine.display())),
        "{text}"
    );
    // The broken file's `language = "en"` is not read: the report is in Italian.
    assert!(
        text.contains("non verificato: prima correggere i file di configurazione"),
        "{text}"
    );
    assert!(!text.contains("richiede server_url"), "{text}");
    assert!(text.contains("Esito: problemi trovati: 1."), "{text}");
}

#[test]
fn the_report_reads_in_italian_by_default() {
    let report = report_for(
        "mode = \"mailclient\"\n",
        vec![check_with(Failure::NoMailHandler)],
    );
    let text = render(&report);
    assert!(text.contains("Impostazioni in uso:"), "{text}");
    assert!(
        text.contains(r#"mode: "mailclient" richiede helpdesk_email, che non è impostato"#),
        "{text}"
    );
    assert!(
        text.contains("nessun programma di posta predefinito"),
        "{text}"
    );
    assert!(text.contains("Esito: problemi trovati: 2."), "{text}");
}

fn check_with(failure: Failure) -> Check {
    Check {
        step: Step::MailClient,
        outcome: Outcome::Failed(failure),
    }
}

#[test]
fn cannot_check_is_not_a_problem() {
    let report = report_for(
        "mode = \"mailclient\"\nhelpdesk_email = \"help@example.it\"\n",
        vec![Check {
            step: Step::MailClient,
            outcome: Outcome::CannotCheck(CannotCheck::Platform),
        }],
    );
    assert!(report.is_healthy(), "{report:#?}");
    // A skipped step alone is not "fine": something kept it from being tried.
    let report = report_for(
        "mode = \"mailclient\"\nhelpdesk_email = \"help@example.it\"\n",
        vec![Check {
            step: Step::MailClient,
            outcome: Outcome::Skipped(Skip::EarlierFailed),
        }],
    );
    assert!(!report.is_healthy());
}

#[test]
fn a_relay_refusal_is_shown_with_the_relays_own_words() {
    let report = report_for(
        "language = \"en\"\nmode = \"smtp\"\nhelpdesk_email = \"help@example.it\"\n[contact]\nemail = \"mario@acme.it\"\n[smtp]\nhost = \"mail.example.it\"\n",
        vec![Check {
            step: Step::Smtp {
                host: "mail.example.it".into(),
                port: 587,
                security: SmtpSecurity::Starttls,
            },
            outcome: Outcome::Failed(smtp_failure(
                SmtpErrorKind::Refused,
                "permanent error (554): 5.3.2 no service for you".into(),
                "mail.example.it:587",
            )),
        }],
    );
    assert!(!report.is_healthy());
    let text = render(&report);
    assert!(
        text.contains("[ERR] SMTP mail.example.it:587 (starttls): the SMTP server refuses: permanent error (554): 5.3.2 no service for you"),
        "{text}"
    );
    assert!(text.contains("Result: problems found: 1."), "{text}");
}
