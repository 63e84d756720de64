use super::*;

const EXAMPLE: &str = include_str!("../../../ppdesk.example.toml");

/// Parses `text`, expecting it to be invalid, and returns the problems.
fn problems(text: &str) -> Vec<ConfigProblem> {
    match Config::from_toml_str(text, "ppdesk.toml") {
        Ok(config) => panic!("expected problems, got {config:#?}"),
        Err(ConfigError::Invalid(problems)) => problems,
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

fn only_problem(text: &str) -> ConfigProblem {
    let mut all = problems(text);
    assert_eq!(all.len(), 1, "expected one problem, got {all:#?}");
    all.remove(0)
}

fn parse(text: &str) -> Config {
    match Config::from_toml_str(text, "ppdesk.toml") {
        Ok(config) => config,
        Err(e) => panic!("expected a valid config, got:\n{e}"),
    }
}

/// The example file with its commented-out keys and tables enabled, plus the classes and sectors
/// the commented examples refer to.
fn example_uncommented() -> String {
    let mut out = String::new();
    for line in EXAMPLE.lines() {
        let rest = line.strip_prefix("# ").unwrap_or("");
        let is_key = rest.split_once(" = ").is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        });
        if rest.starts_with('[') || is_key {
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.replace(
        "classes = [\"Standard\"]",
        "classes = [\"Standard\", \"Gold\"]",
    )
    .replace(
        "sectors = [\"Helpdesk\"]",
        "sectors = [\"Helpdesk\", \"Mago\", \"Amministrazione\"]",
    )
}

#[test]
fn empty_text_gives_the_defaults() {
    let config = parse("");
    assert_eq!(config.helpdesk.address, "helpdesk@ppdesk.localhost");
    assert_eq!(config.helpdesk.name, "ppdesk Helpdesk");
    assert_eq!(config.helpdesk.portal_url, "http://127.0.0.1:8080");
    assert_eq!(config.helpdesk.default_locale, Locale::It);
    assert!(config.helpdesk.staff_domains.is_empty());
    assert!(config.helpdesk.phone.is_none());
    assert_eq!(config.tickets.classes, ["Standard"]);
    assert_eq!(config.tickets.default_class, "Standard");
    assert_eq!(config.tickets.reopen_window_days, 7);
    assert_eq!(config.tickets.first_number, 10_000);
    assert_eq!(config.storage.data_dir, None);
    assert_eq!(config.storage.max_message_bytes, 50 * 1024 * 1024);
    assert_eq!(config.storage.max_attachment_bytes, 25 * 1024 * 1024);
    assert!(config.acknowledgement.enabled);
    assert_eq!(config.acknowledgement.max_per_sender_per_hour, 5);
    assert_eq!(config.outbox.transport, TransportKind::Spool);
    assert_eq!(config.outbox.max_attempts, 12);
    assert_eq!(config.outbox.initial_backoff_secs, 30);
    assert_eq!(config.outbox.max_backoff_secs, 3600);
    assert_eq!(config.routing.sectors, ["Helpdesk"]);
    assert_eq!(config.routing.default_sector, "Helpdesk");
    assert_eq!(
        config.routing.categories,
        ["Amministrazione", "Mago", "Web"]
    );
    assert!(config.routing.rules.is_empty());
    assert!(config.organisations.is_empty());
    assert_eq!(config.server.listen, "127.0.0.1:8080");
    assert!(config.server.secret.is_none());
    assert!(Config::default().validate().is_empty());
}

#[test]
fn example_file_is_valid_and_equals_the_defaults() {
    let config = parse(EXAMPLE);
    // "Every key at its default": the example must serialise exactly like Config::default().
    let example = serde_json::to_value(&config).unwrap();
    let defaults = serde_json::to_value(Config::default()).unwrap();
    assert_eq!(example, defaults);
}

#[test]
fn example_file_commented_examples_are_valid() {
    let text = example_uncommented();
    let config = parse(&text);
    assert_eq!(config.routing.rules.len(), 2, "{text}");
    assert_eq!(config.routing.rules[1].priority, Some(Priority::High));
    assert!(config.helpdesk.phone.is_some());
    assert!(config.storage.data_dir.is_some());
    assert!(config.outbox.spool_dir.is_some());
    assert!(config.server.secret.is_some());
    let acme = config.organisation_for_domain("ACME.it").unwrap();
    assert_eq!(acme.name, "ACME S.r.l.");
    assert_eq!(config.class_for(Some(acme)), "Gold");
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = "[helpdesk]\nname = \"x\"\nadress = \"a@b.it\"\n";
    let p = only_problem(text);
    assert_eq!(p.file, "ppdesk.toml");
    assert_eq!(p.line, Some(3));
    assert_eq!(p.key, "helpdesk.adress");
    assert!(p.reason.contains("unknown field"), "{p}");
    assert!(
        p.to_string()
            .starts_with("ppdesk.toml:3: helpdesk.adress: "),
        "{p}"
    );
}

#[test]
fn unknown_table_and_unknown_key_in_array_of_tables() {
    let p = only_problem("\n[helpdsk]\naddress = \"a@b.it\"\n");
    assert_eq!(p.line, Some(2), "{p}");
    assert_eq!(p.key, "helpdsk", "{p}");

    let text = "\
[routing]
sectors = [\"Helpdesk\"]

[[routing.rules]]
sector = \"Helpdesk\"
keywords = [\"a\"]

[[routing.rules]]
sector = \"Helpdesk\"
keyword = [\"b\"]
";
    let p = only_problem(text);
    assert_eq!(p.line, Some(10), "{p}");
    assert_eq!(p.key, "routing.rules[1].keyword", "{p}");
}

#[test]
fn wrong_type_names_line_and_key() {
    let text = "[tickets]\nclasses = [\"Standard\"]\nreopen_window_days = \"seven\"\n";
    let p = only_problem(text);
    assert_eq!(p.line, Some(3), "{p}");
    assert_eq!(p.key, "tickets.reopen_window_days", "{p}");

    let p = only_problem("[acknowledgement]\n\nenabled = 1\n");
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(3), "acknowledgement.enabled"),
        "{p}"
    );

    let p = only_problem("[tickets]\nreopen_window_days = -1\n");
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(2), "tickets.reopen_window_days"),
        "{p}"
    );
    assert!(p.reason.contains("expected a whole number"), "{p}");

    let p = only_problem("[outbox]\ntransport = \"pigeon\"\n");
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(2), "outbox.transport"),
        "{p}"
    );
    assert!(
        p.reason.contains("spool"),
        "allowed values should be listed: {p}"
    );

    let p = only_problem("[helpdesk]\ndefault_locale = \"de\"\n");
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(2), "helpdesk.default_locale"),
        "{p}"
    );
}

#[test]
fn syntax_error_has_a_line() {
    let p = only_problem("[helpdesk]\nname = \"unterminated\n");
    assert_eq!(p.line, Some(2), "{p}");
    assert_eq!(p.file, "ppdesk.toml");

    let p = only_problem("[helpdesk]\nname = \"a\"\n\nname = \"b\"\n");
    assert_eq!(p.line, Some(4), "{p}");
    assert!(p.reason.contains("duplicate key"), "{p}");
    assert!(
        p.reason.contains("`name`"),
        "the reason should quote the key: {p}"
    );
}

#[test]
fn problems_are_sorted_by_line() {
    let text = "\
[[routing.rules]]
name = \"empty\"
sector = \"Nope\"
";
    let all = problems(text);
    let summary: Vec<_> = all.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Some(1), "routing.rules[0]"),
            (Some(3), "routing.rules[0].sector")
        ],
        "{all:#?}"
    );
}

#[test]
fn bad_size_string() {
    let text = "[storage]\nmax_message_bytes = \"50 MiB\"\nmax_attachment_bytes = \"abc\"\n";
    let p = only_problem(text);
    assert_eq!(p.line, Some(3), "{p}");
    assert_eq!(p.key, "storage.max_attachment_bytes", "{p}");
    assert!(p.reason.contains("invalid size \"abc\""), "{p}");

    let p = only_problem("[storage]\nmax_message_bytes = -5\n");
    assert!(p.reason.contains("negative"), "{p}");
}

#[test]
fn sizes_accept_integers_and_units() {
    let config =
        parse("[storage]\nmax_message_bytes = 1048576\nmax_attachment_bytes = \"512 KiB\"\n");
    assert_eq!(config.storage.max_message_bytes, 1_048_576);
    assert_eq!(config.storage.max_attachment_bytes, 524_288);

    let p = only_problem(
        "[storage]\nmax_message_bytes = \"10 MB\"\nmax_attachment_bytes = \"20 MB\"\n",
    );
    assert_eq!(p.key, "storage.max_attachment_bytes");
    assert_eq!(p.line, Some(3));
}

#[test]
fn api_limits_have_defaults_units_and_a_cross_check() {
    let defaults = parse("");
    assert_eq!(defaults.api.max_request_bytes, 25 * 1024 * 1024);
    assert_eq!(defaults.api.max_file_bytes, 20 * 1024 * 1024);
    let config = parse("[api]\nmax_request_bytes = \"64 KiB\"\nmax_file_bytes = 1000\n");
    assert_eq!(config.api.max_request_bytes, 65_536);
    assert_eq!(config.api.max_file_bytes, 1000);

    let p = only_problem("[api]\nmax_request_bytes = \"1 MiB\"\nmax_file_bytes = \"2 MiB\"\n");
    assert_eq!(p.key, "api.max_file_bytes");
    assert_eq!(p.line, Some(3));
    let p = only_problem("[api]\nmax_request_bytes = 0\n");
    assert_eq!(p.key, "api.max_request_bytes");
}

#[test]
fn routing_rule_with_unknown_sector_points_at_that_rules_sector() {
    let text = "\
[routing]
sectors = [\"Helpdesk\", \"Mago\", \"Web\"]

[[routing.rules]]
name = \"web\"
sector = \"Web\"
keywords = [\"sito\"]

[[routing.rules]]
name = \"mago\"
keywords = [\"mago\"]
sector = \"Magoo\"
";
    let p = only_problem(text);
    assert_eq!(
        p.to_string(),
        "ppdesk.toml:12: routing.rules[1].sector: unknown sector \"Magoo\" (known: Helpdesk, Mago, Web)"
    );
}

#[test]
fn rules_in_inline_arrays_are_located_too() {
    let text = "\
[routing]
rules = [
  { sector = \"Helpdesk\", keywords = [\"a\"] },
  { sector = \"Nope\", keywords = [\"b\"] },
]
";
    let p = only_problem(text);
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(4), "routing.rules[1].sector"),
        "{p}"
    );
}

#[test]
fn rule_that_matches_nothing() {
    let text = "[[routing.rules]]\nsector = \"Helpdesk\"\ncategory = \"Web\"\n";
    let p = only_problem(text);
    assert_eq!(p.key, "routing.rules[0]");
    assert_eq!(p.line, Some(1));
    assert!(
        p.reason
            .contains("matches nothing: give keywords, sender_domains or when_category")
    );
}

#[test]
fn rule_category_and_when_category_are_checked() {
    let text = "\
[[routing.rules]]
sector = \"Helpdesk\"
category = \"Hardware\"
priority = \"high\"
when_category = [\"Web\", \"Rete\"]
";
    let all = problems(text);
    let summary: Vec<_> = all.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Some(3), "routing.rules[0].category"),
            (Some(5), "routing.rules[0].when_category[1]"),
        ],
        "{all:#?}"
    );
    assert_eq!(
        all[0].reason,
        "unknown category \"Hardware\" (known: Amministrazione, Mago, Web)"
    );
}

#[test]
fn rule_priority_must_be_a_known_priority() {
    let text = "\
[[routing.rules]]
sector = \"Helpdesk\"
keywords = [\"down\"]
priority = \"High\"
";
    let p = only_problem(text);
    assert_eq!(
        (p.line, p.key.as_str()),
        (Some(4), "routing.rules[0].priority"),
        "{p}"
    );
    assert!(
        p.reason.contains("`urgent`"),
        "allowed values should be listed: {p}"
    );

    let config = parse(
        "[[routing.rules]]\nsector = \"Helpdesk\"\nkeywords = [\"down\"]\npriority = \"urgent\"\n",
    );
    assert_eq!(config.routing.rules[0].priority, Some(Priority::Urgent));
}

#[test]
fn duplicate_organisation_domain() {
    let text = "\
[[organisations]]
name = \"ACME S.r.l.\"
domains = [\"acme.it\"]

[[organisations]]
name = \"Acme Logistica\"
domains = [\"acme-logistica.it\",
           \"ACME.IT\"]
";
    let p = only_problem(text);
    assert_eq!(p.key, "organisations[1].domains[1]");
    assert_eq!(p.line, Some(8));
    assert!(
        p.reason
            .contains("already belongs to organisation \"ACME S.r.l.\""),
        "{p}"
    );
}

#[test]
fn duplicate_organisation_name_and_unknown_class() {
    let text = "\
[[organisations]]
name = \"ACME\"
domains = [\"acme.it\"]
class = \"Gold\"

[[organisations]]
name = \"acme\"
domains = [\"acme.com\"]
";
    let all = problems(text);
    let summary: Vec<_> = all.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Some(4), "organisations[0].class"),
            (Some(7), "organisations[1].name")
        ],
        "{all:#?}"
    );
    assert!(
        all[0]
            .reason
            .contains("unknown contract class \"Gold\" (known: Standard)")
    );
}

#[test]
fn default_class_not_in_classes() {
    let p = only_problem("[tickets]\nclasses = [\"Gold\", \"Silver\"]\n");
    assert_eq!(p.key, "tickets.default_class");
    // Not written: located at its table.
    assert_eq!(p.line, Some(1));
    assert_eq!(
        p.reason,
        "unknown contract class \"Standard\" (known: Gold, Silver)"
    );

    let p = only_problem("[tickets]\nclasses = [\"Gold\"]\ndefault_class = \"Bronze\"\n");
    assert_eq!((p.line, p.key.as_str()), (Some(3), "tickets.default_class"));
}

#[test]
fn bad_tag_classes() {
    let all =
        problems("[tickets]\nclasses = [\"Standard\", \"Gold Plus\", \"#x\", \"standard\"]\n");
    let keys: Vec<_> = all.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "tickets.classes[1]",
            "tickets.classes[2]",
            "tickets.classes[3]"
        ],
        "{all:#?}"
    );
    assert!(all[2].reason.contains("duplicate"));
}

#[test]
fn several_problems_are_reported_at_once() {
    let text = "\
[helpdesk]
address = \"not an address\"
portal_url = \"ftp://example.com\"
technicians = [\"tech@projectpp.it\", \"nobody\"]

[tickets]
reopen_window_days = 400
first_number = 0

[acknowledgement]
max_per_sender_per_hour = 0

[outbox]
max_attempts = 0
initial_backoff_secs = 60
max_backoff_secs = 10

[routing]
default_sector = \"Vendite\"

[server]
listen = \"localhost\"
secret = \"abc\"
";
    let err = Config::from_toml_str(text, "ppdesk.toml").unwrap_err();
    let ConfigError::Invalid(all) = &err else {
        panic!("{err}");
    };
    let summary: Vec<_> = all
        .iter()
        .map(|p| (p.line.unwrap(), p.key.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (2, "helpdesk.address"),
            (3, "helpdesk.portal_url"),
            (4, "helpdesk.technicians[1]"),
            (7, "tickets.reopen_window_days"),
            (8, "tickets.first_number"),
            (11, "acknowledgement.max_per_sender_per_hour"),
            (14, "outbox.max_attempts"),
            (16, "outbox.max_backoff_secs"),
            (19, "routing.default_sector"),
            (22, "server.listen"),
            (23, "server.secret"),
        ],
        "{all:#?}"
    );
    // Display: one problem per line, each with file and line.
    let shown = err.to_string();
    assert_eq!(shown.lines().count(), all.len());
    assert!(
        shown.lines().all(|l| l.starts_with("ppdesk.toml:")),
        "{shown}"
    );
}

#[test]
fn validate_alone_has_no_lines() {
    let mut config = Config::default();
    config.routing.default_sector = "Nope".into();
    let all = config.validate();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].line, None);
    assert_eq!(
        all[0].to_string(),
        "routing.default_sector: unknown sector \"Nope\" (known: Helpdesk)"
    );
}

#[test]
fn normalisation_and_lookups() {
    let text = "\
[helpdesk]
address = \"Helpdesk@ProjectPP.it\"
portal_url = \"https://help.projectpp.it/\"
staff_domains = [\"ProjectPP.it\"]
technicians = [\"Mario.Rossi@Gmail.com\"]
default_locale = \"en\"

[tickets]
classes = [\"Standard\", \"Gold\"]

[[organisations]]
name = \"ACME S.r.l.\"
domains = [\"@ACME.it\", \"acme.com\"]
class = \"Gold\"
locale = \"it\"

[[organisations]]
name = \"Beta\"
domains = [\"beta.it\"]
";
    let config = parse(text);
    assert_eq!(config.helpdesk.address, "helpdesk@projectpp.it");
    assert_eq!(config.helpdesk.portal_url, "https://help.projectpp.it");
    assert_eq!(config.helpdesk.staff_domains, ["projectpp.it"]);
    assert_eq!(config.organisations[0].domains, ["acme.it", "acme.com"]);

    assert!(config.is_staff("anyone@PROJECTPP.IT"));
    assert!(config.is_staff("mario.rossi@gmail.com"));
    assert!(!config.is_staff("luigi@gmail.com"));
    assert!(!config.is_staff("projectpp.it"));
    assert!(!config.is_staff("x@sub.projectpp.it"));

    let acme = config.organisation_for_domain("Acme.IT");
    assert_eq!(acme.map(|o| o.name.as_str()), Some("ACME S.r.l."));
    assert_eq!(
        config
            .organisation_for_domain("user@acme.com")
            .map(|o| o.name.as_str()),
        Some("ACME S.r.l.")
    );
    assert!(config.organisation_for_domain("example.org").is_none());
    let beta = config.organisation_for_domain("beta.it");

    assert_eq!(config.class_for(acme), "Gold");
    assert_eq!(config.class_for(beta), "Standard");
    assert_eq!(config.class_for(None), "Standard");
    assert_eq!(config.locale_for(acme), Locale::It);
    assert_eq!(config.locale_for(beta), Locale::En);
    assert_eq!(config.locale_for(None).as_str(), "en");
}

#[test]
fn dotted_keys_and_inline_tables_are_accepted() {
    let config = parse("helpdesk.name = \"Assistenza\"\nserver = { listen = \"[::1]:9000\" }\n");
    assert_eq!(config.helpdesk.name, "Assistenza");
    assert_eq!(config.server.listen, "[::1]:9000");

    let p = only_problem("server = { listen = \"[::1]:9000\", secret = \"zz\" }\n");
    assert_eq!((p.line, p.key.as_str()), (Some(1), "server.secret"));
}

#[test]
fn byte_order_mark_is_tolerated() {
    let config = parse("\u{feff}[helpdesk]\nname = \"x\"\n");
    assert_eq!(config.helpdesk.name, "x");
    let p = only_problem("\u{feff}[helpdesk]\nnome = \"x\"\n");
    assert_eq!((p.line, p.key.as_str()), (Some(2), "helpdesk.nome"));
}

#[test]
fn load_reads_files_and_reports_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ppdesk.toml");
    std::fs::write(&path, "[tickets]\nfirst_number = 1\n").unwrap();
    assert_eq!(Config::load(&path).unwrap().tickets.first_number, 1);

    std::fs::write(&path, "[tickets]\nfirst_number = 0\n").unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}:2: tickets.first_number: must be at least 1",
            path.display()
        )
    );

    let missing = dir.path().join("missing.toml");
    let err = Config::load(&missing).unwrap_err();
    assert!(matches!(&err, ConfigError::Io { path, .. } if path == &missing));
    assert!(err.to_string().contains("missing.toml"), "{err}");
}

#[test]
fn config_path_resolution() {
    let cli = Some(PathBuf::from("/etc/ppdesk/a.toml"));
    let env = Some(OsString::from("/etc/ppdesk/b.toml"));
    assert_eq!(resolve_config_path_from(cli.clone(), env.clone()), cli);
    assert_eq!(
        resolve_config_path_from(None, env),
        Some(PathBuf::from("/etc/ppdesk/b.toml"))
    );
    assert_eq!(resolve_config_path_from(None, Some(OsString::new())), None);
    assert_eq!(resolve_config_path_from(None, None), None);
}

#[test]
fn data_and_spool_dirs() {
    assert!(!default_data_dir().as_os_str().is_empty());
    let config = Config::default();
    assert_eq!(config.storage.data_dir_or_default(), default_data_dir());
    assert_eq!(
        config.outbox.spool_dir_in(Path::new("/data")),
        Path::new("/data/spool/outbound")
    );
}

#[test]
fn config_round_trips_through_toml() {
    let config = parse(&example_uncommented());
    let text = toml::to_string(&config).unwrap();
    let again = parse(&text);
    assert_eq!(
        serde_json::to_value(&config).unwrap(),
        serde_json::to_value(&again).unwrap()
    );
}

#[test]
fn every_unreadable_value_is_reported_not_just_the_first() {
    let text = "\
[helpdesk]
staff_domains = \"projectpp.it\"
[tickets]
first_number = \"diecimila\"
reopen_window_days = 999
[acknowledgement]
max_per_sender_per_hour = -3
";
    let all = problems(text);
    let found: Vec<(Option<usize>, &str)> = all.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (Some(2), "helpdesk.staff_domains"),
            (Some(4), "tickets.first_number"),
            (Some(5), "tickets.reopen_window_days"),
            (Some(7), "acknowledgement.max_per_sender_per_hour"),
        ],
        "{all:#?}"
    );
}

#[test]
fn mail_sections_are_checked() {
    let all = problems(
        "[outbox]\ntransport = \"smtp\"\n[imap]\nhost = \"\"\nusername = \"helpdesk@x.it\"\n\
         processed_folder = \"INBOX\"\n[lmtp]\nenabled = true\nlisten = \"nowhere\"\n",
    );
    let keys: Vec<&str> = all.iter().map(|p| p.key.as_str()).collect();
    for key in [
        "outbox.transport",
        "imap.host",
        "imap",
        "imap.processed_folder",
        "lmtp.listen",
    ] {
        assert!(keys.contains(&key), "{key} missing in {all:#?}");
    }
    let ok = parse(
        "[outbox]\ntransport = \"smtp\"\n[smtp]\nhost = \"127.0.0.1\"\nport = 2525\ntls = \"none\"\n\
         [imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nusername = \"h@x.it\"\npassword = \"s\"\n",
    );
    assert_eq!(ok.smtp.as_ref().map(|s| s.port()), Some(2525));
    assert_eq!(ok.imap.as_ref().map(|i| i.port()), Some(143));
}
