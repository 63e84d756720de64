//! `ppdesk-agent doctor` and the config problems it (and the compose window) shows.
//!
//! Templates name their blanks (`{url}`, `{key}`…); [`fill`] puts the values in, so a
//! translator can move them around a sentence.

use super::Language;
use crate::config::{Place, ProblemKind, Source};

/// Every sentence of the doctor's report.
#[derive(Debug)]
pub struct Doctor {
    /// `{version}`.
    pub title: &'static str,
    pub files_heading: &'static str,
    pub files_explicit_note: &'static str,
    pub settings_heading: &'static str,
    pub errors_heading: &'static str,
    pub problems_heading: &'static str,
    /// `{mode}`.
    pub connection_heading: &'static str,
    pub none: &'static str,

    pub role_machine: &'static str,
    pub role_user: &'static str,
    pub role_explicit: &'static str,
    pub state_found: &'static str,
    pub state_missing: &'static str,
    pub state_broken: &'static str,

    pub not_set: &'static str,
    pub source_default: &'static str,
    /// `{var}`.
    pub source_env: &'static str,
    pub default_from_os_user: &'static str,

    pub mark_ok: &'static str,
    pub mark_fail: &'static str,
    pub mark_skip: &'static str,
    pub mark_info: &'static str,

    /// `{url}`.
    pub check_health: &'static str,
    /// `{url}`.
    pub check_token: &'static str,
    /// `{host}`, `{port}`, `{security}`.
    pub check_smtp: &'static str,
    pub check_mail_client: &'static str,

    pub passed_health: &'static str,
    /// `{count}`, `{contact}`.
    pub passed_token: &'static str,
    pub passed_smtp: &'static str,
    /// `{handler}`.
    pub passed_mail_client: &'static str,

    /// `{target}`.
    pub unreachable_refused: &'static str,
    /// `{target}`.
    pub unreachable_dns: &'static str,
    /// `{target}`, `{detail}`.
    pub unreachable_tls: &'static str,
    /// `{target}`, `{seconds}`.
    pub unreachable_timeout: &'static str,
    /// `{target}`, `{detail}`.
    pub unreachable_other: &'static str,
    /// `{status}`.
    pub token_refused: &'static str,
    /// `{url}`.
    pub api_not_found: &'static str,
    /// `{status}`, `{message}`.
    pub http_status: &'static str,
    /// `{detail}`.
    pub smtp_refused: &'static str,
    pub smtp_no_noop: &'static str,
    pub no_mail_handler: &'static str,
    /// `{reason}`.
    pub cannot_check: &'static str,
    pub xdg_mime_missing: &'static str,
    pub platform_cannot_check: &'static str,

    pub skipped_config_broken: &'static str,
    /// `{key}`.
    pub skipped_not_configured: &'static str,
    pub skipped_earlier_failed: &'static str,

    pub result_fine: &'static str,
    /// `{count}`.
    pub result_problems: &'static str,
    pub layering_hint: &'static str,

    // Config problems (`FILE:LINE: key: reason`).
    pub reason_blank: &'static str,
    /// `{value}` (quoted).
    pub reason_not_http_url: &'static str,
    /// `{value}` (quoted).
    pub reason_not_an_address: &'static str,
    pub reason_port_zero: &'static str,
    /// `{index}`.
    pub reason_blank_category: &'static str,
    /// `{missing}`.
    pub reason_half_credentials: &'static str,
    /// `{mode}`, `{missing}`.
    pub reason_mode_needs: &'static str,
}

/// Italian.
pub const IT: Doctor = Doctor {
    title: "ppdesk-agent {version}: controllo di configurazione e collegamento",
    files_heading: "File di configurazione (il primo vince):",
    files_explicit_note: "(con --config si legge solo quel file)",
    settings_heading: "Impostazioni in uso:",
    errors_heading: "File non utilizzabili:",
    problems_heading: "Problemi nelle impostazioni:",
    connection_heading: "Collegamento (modalità {mode}):",
    none: "nessuno",

    role_machine: "di sistema",
    role_user: "dell'utente",
    role_explicit: "--config",
    state_found: "letto",
    state_missing: "assente",
    state_broken: "ERRATO",

    not_set: "(non impostato)",
    source_default: "valore predefinito",
    source_env: "variabile d'ambiente {var}",
    default_from_os_user: "dall'utente del sistema",

    mark_ok: "[ok]  ",
    mark_fail: "[ERR] ",
    mark_skip: "[--]  ",
    mark_info: "[?]   ",

    check_health: "GET {url}",
    check_token: "GET {url} (token dell'organizzazione)",
    check_smtp: "SMTP {host}:{port} ({security})",
    check_mail_client: "programma di posta predefinito per i file .eml",

    passed_health: "il server risponde",
    passed_token: "il server accetta il token dell'organizzazione ({count} ticket per {contact})",
    passed_smtp: "il server SMTP risponde e accetta l'accesso",
    passed_mail_client: "{handler}",

    unreachable_refused: "nessuno risponde a {target} (connessione rifiutata): il server è acceso? l'indirizzo e la porta sono giusti?",
    unreachable_dns: "il nome in {target} non si trova (DNS): controllare l'indirizzo o la rete",
    unreachable_tls: "la connessione sicura (TLS) con {target} non riesce: {detail}",
    unreachable_timeout: "nessuna risposta da {target} entro {seconds} secondi (rete, firewall o proxy?)",
    unreachable_other: "impossibile collegarsi a {target}: {detail}",
    token_refused: "il server ha rifiutato il token dell'organizzazione (HTTP {status}): controllare org_token",
    api_not_found: "il server non offre l'API dell'agente in {url} (HTTP 404): server_url è giusto?",
    http_status: "il server ha risposto HTTP {status}{message}",
    smtp_refused: "il server SMTP rifiuta: {detail}",
    smtp_no_noop: "il server SMTP non risponde ai comandi",
    no_mail_handler: "nessun programma di posta predefinito per i file .eml (message/rfc822)",
    cannot_check: "impossibile verificarlo: {reason}",
    xdg_mime_missing: "xdg-mime non è installato (pacchetto xdg-utils)",
    platform_cannot_check: "questa piattaforma non lo permette",

    skipped_config_broken: "non verificato: prima correggere i file di configurazione",
    skipped_not_configured: "non verificato: {key} manca o non è valido",
    skipped_earlier_failed: "non verificato: il passo precedente non è riuscito",

    result_fine: "Esito: tutto a posto.",
    result_problems: "Esito: problemi trovati: {count}. Riferire all'assistenza le righe segnate [ERR].",
    layering_hint: "Ordine: variabili PPDESK_SERVER_URL, PPDESK_ORG_TOKEN, PPDESK_MODE; poi il file di sistema (le chiavi dell'amministratore vincono); poi quello dell'utente.",

    reason_blank: "è vuoto",
    reason_not_http_url: "{value} non è un URL http(s)",
    reason_not_an_address: "{value} non è un indirizzo email",
    reason_port_zero: "non può essere 0",
    reason_blank_category: "la voce {index} è vuota",
    reason_half_credentials: "è impostato ma {missing} no",
    reason_mode_needs: "\"{mode}\" richiede {missing}, che non è impostato",
};

/// English.
pub const EN: Doctor = Doctor {
    title: "ppdesk-agent {version}: configuration and connection check",
    files_heading: "Config files (the first wins):",
    files_explicit_note: "(with --config only that file is read)",
    settings_heading: "Settings in use:",
    errors_heading: "Files that cannot be used:",
    problems_heading: "Problems in the settings:",
    connection_heading: "Connection (mode {mode}):",
    none: "none",

    role_machine: "machine-wide",
    role_user: "per-user",
    role_explicit: "--config",
    state_found: "read",
    state_missing: "missing",
    state_broken: "BROKEN",

    not_set: "(not set)",
    source_default: "built-in default",
    source_env: "environment variable {var}",
    default_from_os_user: "from the OS user",

    mark_ok: "[ok]  ",
    mark_fail: "[ERR] ",
    mark_skip: "[--]  ",
    mark_info: "[?]   ",

    check_health: "GET {url}",
    check_token: "GET {url} (organisation token)",
    check_smtp: "SMTP {host}:{port} ({security})",
    check_mail_client: "default mail program for .eml files",

    passed_health: "the server answers",
    passed_token: "the server accepts the organisation token ({count} tickets for {contact})",
    passed_smtp: "the SMTP server answers and accepts the login",
    passed_mail_client: "{handler}",

    unreachable_refused: "nothing answers at {target} (connection refused): is the server running, are address and port right?",
    unreachable_dns: "the name in {target} cannot be found (DNS): check the address or the network",
    unreachable_tls: "the secure connection (TLS) to {target} fails: {detail}",
    unreachable_timeout: "no answer from {target} within {seconds} seconds (network, firewall or proxy?)",
    unreachable_other: "cannot connect to {target}: {detail}",
    token_refused: "the server refused the organisation token (HTTP {status}): check org_token",
    api_not_found: "the server does not offer the agent API at {url} (HTTP 404): is server_url right?",
    http_status: "the server answered HTTP {status}{message}",
    smtp_refused: "the SMTP server refuses: {detail}",
    smtp_no_noop: "the SMTP server does not answer commands",
    no_mail_handler: "no default mail program is set for .eml files (message/rfc822)",
    cannot_check: "cannot check: {reason}",
    xdg_mime_missing: "xdg-mime is not installed (package xdg-utils)",
    platform_cannot_check: "this platform does not tell",

    skipped_config_broken: "not checked: fix the config files first",
    skipped_not_configured: "not checked: {key} is missing or not valid",
    skipped_earlier_failed: "not checked: the step above failed",

    result_fine: "Result: everything is fine.",
    result_problems: "Result: problems found: {count}. Tell support the lines marked [ERR].",
    layering_hint: "Order: variables PPDESK_SERVER_URL, PPDESK_ORG_TOKEN, PPDESK_MODE; then the machine-wide file (an administrator's keys win); then the per-user file.",

    reason_blank: "is empty",
    reason_not_http_url: "{value} is not an http(s) URL",
    reason_not_an_address: "{value} is not an email address",
    reason_port_zero: "must not be 0",
    reason_blank_category: "entry {index} is empty",
    reason_half_credentials: "is set but {missing} is not",
    reason_mode_needs: "\"{mode}\" needs {missing}, which is not set",
};

/// The sentences in `language`.
pub fn text(language: Language) -> &'static Doctor {
    match language {
        Language::It => &IT,
        Language::En => &EN,
    }
}

/// `template` with every `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Why a config value is a problem, in `language`.
pub fn problem_reason(language: Language, kind: &ProblemKind) -> String {
    let t = text(language);
    match kind {
        ProblemKind::Blank => t.reason_blank.to_owned(),
        ProblemKind::NotHttpUrl { value } => {
            fill(t.reason_not_http_url, &[("value", &format!("{value:?}"))])
        }
        ProblemKind::NotAnAddress { value } => {
            fill(t.reason_not_an_address, &[("value", &format!("{value:?}"))])
        }
        ProblemKind::PortZero => t.reason_port_zero.to_owned(),
        ProblemKind::BlankCategory { index } => {
            fill(t.reason_blank_category, &[("index", &index.to_string())])
        }
        ProblemKind::HalfCredentials { missing } => {
            fill(t.reason_half_credentials, &[("missing", missing)])
        }
        ProblemKind::ModeNeeds { mode, missing } => fill(
            t.reason_mode_needs,
            &[("mode", mode.as_str()), ("missing", missing)],
        ),
    }
}

/// Where a value came from, as a person reads it: `FILE:LINE`, the variable, or the default.
pub fn place(language: Language, place: &Place) -> String {
    let t = text(language);
    match &place.source {
        Source::Default => t.source_default.to_owned(),
        Source::Env(var) => fill(t.source_env, &[("var", var)]),
        _ => place.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every blank a template documents is one `fill` knows how to fill: no `{` survives.
    #[test]
    fn templates_in_both_languages_fill_completely() {
        for t in [&IT, &EN] {
            let values = [
                ("version", "1"),
                ("mode", "api"),
                ("var", "V"),
                ("url", "u"),
                ("host", "h"),
                ("port", "1"),
                ("security", "tls"),
                ("count", "1"),
                ("contact", "c"),
                ("handler", "x"),
                ("target", "t"),
                ("detail", "d"),
                ("seconds", "5"),
                ("status", "401"),
                ("message", ""),
                ("reason", "r"),
                ("key", "k"),
                ("value", "v"),
                ("index", "1"),
                ("missing", "m"),
            ];
            // The Debug form lists every field: `Doctor { title: "…", … }`.
            let all = format!("{t:?}");
            let filled = fill(&all, &values);
            let inner = filled
                .strip_prefix("Doctor {")
                .and_then(|rest| rest.strip_suffix('}'))
                .expect("debug form of a struct");
            assert!(
                !inner.contains(['{', '}']),
                "an unknown blank is left: {inner}"
            );
        }
    }

    #[test]
    fn fill_replaces_every_occurrence() {
        assert_eq!(
            fill("{a} and {a} and {b}", &[("a", "x"), ("b", "y")]),
            "x and x and y"
        );
    }
}
