//! Texts of the common pages: the frame (header, navigation, language switch), sign-in,
//! password reset, and error pages.

/// Every text of the common pages.
pub struct CommonTexts {
    /// The product's name in the header.
    pub app_name: &'static str,
    /// Link that skips the navigation (screen readers, keyboard).
    pub skip_to_content: &'static str,
    /// Navigation label (aria).
    pub nav_label: &'static str,
    /// Navigation: the customer's tickets.
    pub nav_portal: &'static str,
    /// Navigation: open a ticket.
    pub nav_new_ticket: &'static str,
    /// Navigation: the knowledge base.
    pub nav_kb: &'static str,
    /// Navigation: the technicians' queues.
    pub nav_console: &'static str,
    /// Navigation: register a phone or fax ticket.
    pub nav_phone: &'static str,
    /// Navigation: the knowledge-base editor.
    pub nav_kb_editor: &'static str,
    /// Navigation: the admin pages.
    pub nav_admin: &'static str,
    /// Navigation: sign in.
    pub nav_login: &'static str,
    /// The sign-out button.
    pub sign_out: &'static str,
    /// Who is signed in; `{name}`.
    pub signed_in_as: &'static str,
    /// The language switch's label.
    pub language: &'static str,
    /// Name of Italian in the language switch.
    pub lang_it: &'static str,
    /// Name of English in the language switch.
    pub lang_en: &'static str,
    /// Footer line.
    pub footer: &'static str,
    /// Role names.
    pub role_customer: &'static str,
    /// Role names.
    pub role_org_admin: &'static str,
    /// Role names.
    pub role_technician: &'static str,
    /// Role names.
    pub role_admin: &'static str,

    /// Sign-in page title.
    pub login_title: &'static str,
    /// Sign-in page introduction.
    pub login_intro: &'static str,
    /// Field: address.
    pub email: &'static str,
    /// Field: password.
    pub password: &'static str,
    /// Sign-in button.
    pub login_button: &'static str,
    /// Wrong address or password (the same for both).
    pub login_failed: &'static str,
    /// Locked after too many failures; `{minutes}`.
    pub login_locked: &'static str,
    /// Link to the "forgot password" page.
    pub forgot_link: &'static str,
    /// Shown after signing out.
    pub signed_out: &'static str,

    /// "Forgot password" page title.
    pub forgot_title: &'static str,
    /// "Forgot password" introduction.
    pub forgot_intro: &'static str,
    /// "Forgot password" button.
    pub forgot_button: &'static str,
    /// Answer after asking for a link (whether the address exists or not); `{hours}`.
    pub forgot_sent: &'static str,
    /// Back to sign-in.
    pub back_to_login: &'static str,

    /// Reset page title.
    pub reset_title: &'static str,
    /// Reset page introduction; `{email}`.
    pub reset_intro: &'static str,
    /// Field: new password.
    pub new_password: &'static str,
    /// Field: repeat it.
    pub confirm_password: &'static str,
    /// Reset button.
    pub reset_button: &'static str,
    /// The link is unknown, expired or used.
    pub reset_invalid: &'static str,
    /// The two passwords differ.
    pub passwords_differ: &'static str,
    /// Password too short; `{min}`.
    pub password_too_short: &'static str,
    /// Password too long; `{max}`.
    pub password_too_long: &'static str,
    /// Shown on the sign-in page after a reset.
    pub reset_done: &'static str,
    /// Hint under a new password field; `{min}`.
    pub password_hint: &'static str,

    /// A form could not be read; `{detail}`.
    pub bad_form: &'static str,
    /// Error page: not found.
    pub not_found_title: &'static str,
    /// Error page: not found.
    pub not_found_text: &'static str,
    /// Error page: forbidden.
    pub forbidden_title: &'static str,
    /// Error page: forbidden.
    pub forbidden_text: &'static str,
    /// Error page: CSRF.
    pub csrf_title: &'static str,
    /// Error page: CSRF.
    pub csrf_text: &'static str,
    /// Error page: a post from another site.
    pub cross_site_text: &'static str,
    /// Error page: bad request.
    pub bad_request_title: &'static str,
    /// Error page: too large.
    pub too_large_title: &'static str,
    /// The whole upload is too large; `{limit}`.
    pub upload_too_large_text: &'static str,
    /// One file is too large; `{file}`, `{limit}`.
    pub file_too_large_text: &'static str,
    /// Error page: internal.
    pub internal_title: &'static str,
    /// Error page: internal.
    pub internal_text: &'static str,
    /// Error page: HTTP status; `{status}`.
    pub error_code: &'static str,
    /// Link home from an error page.
    pub back_home: &'static str,
}

/// Italian.
pub const IT: CommonTexts = CommonTexts {
    app_name: "ppdesk",
    skip_to_content: "Vai al contenuto",
    nav_label: "Navigazione principale",
    nav_portal: "I miei ticket",
    nav_new_ticket: "Apri un nuovo ticket",
    nav_kb: "Knowledge base",
    nav_console: "Console",
    nav_phone: "Ticket telefonico",
    nav_kb_editor: "Articoli",
    nav_admin: "Amministrazione",
    nav_login: "Accedi",
    sign_out: "Esci",
    signed_in_as: "Accesso come {name}",
    language: "Lingua",
    lang_it: "Italiano",
    lang_en: "English",
    footer: "Helpdesk online",
    role_customer: "Cliente",
    role_org_admin: "Referente dell'organizzazione",
    role_technician: "Tecnico",
    role_admin: "Amministratore",

    login_title: "Accedi all'helpdesk",
    login_intro: "Entra con l'indirizzo email e la password del tuo account.",
    email: "Indirizzo email",
    password: "Password",
    login_button: "Accedi",
    login_failed: "Indirizzo email o password non corretti.",
    login_locked: "Troppi tentativi non riusciti. Per sicurezza l'accesso è bloccato: riprova tra {minutes} minuti.",
    forgot_link: "Password dimenticata?",
    signed_out: "Sei uscito dall'helpdesk.",

    forgot_title: "Password dimenticata",
    forgot_intro: "Scrivi l'indirizzo email del tuo account: ti mandiamo un link per sceglierne una nuova.",
    forgot_button: "Invia il link",
    forgot_sent: "Se l'indirizzo appartiene a un account, a breve riceverai un'email con un link per scegliere una nuova password. Il link vale {hours} ore e si può usare una volta sola.",
    back_to_login: "Torna all'accesso",

    reset_title: "Scegli una nuova password",
    reset_intro: "Nuova password per {email}.",
    new_password: "Nuova password",
    confirm_password: "Ripeti la nuova password",
    reset_button: "Salva la password",
    reset_invalid: "Questo link non è valido: è scaduto oppure è già stato usato. Chiedine uno nuovo.",
    passwords_differ: "Le due password non coincidono.",
    password_too_short: "La password è troppo corta: servono almeno {min} caratteri.",
    password_too_long: "La password è troppo lunga: al massimo {max} caratteri.",
    reset_done: "Password cambiata. Ora puoi accedere con la nuova password.",
    password_hint: "Almeno {min} caratteri.",

    bad_form: "Il modulo non è stato compilato correttamente: {detail}",
    not_found_title: "Pagina non trovata",
    not_found_text: "La pagina cercata non esiste, oppure non hai i permessi per vederla.",
    forbidden_title: "Accesso non consentito",
    forbidden_text: "Il tuo account non ha i permessi per questa pagina.",
    csrf_title: "Il modulo è scaduto",
    csrf_text: "Per sicurezza il modulo non è stato accettato: era scaduto oppure è stato aperto in un'altra sessione. Ricarica la pagina e invialo di nuovo.",
    cross_site_text: "Per sicurezza non accettiamo moduli inviati da altri siti. Apri l'helpdesk dal suo indirizzo e riprova.",
    bad_request_title: "Richiesta non valida",
    too_large_title: "File troppo grande",
    upload_too_large_text: "Quanto inviato supera il limite di {limit} per un invio. Nulla è stato salvato: togli o riduci qualche allegato e riprova.",
    file_too_large_text: "Il file «{file}» supera il limite di {limit} per un singolo file. Nulla è stato salvato: riduci il file o invialo in più parti.",
    internal_title: "Errore interno",
    internal_text: "Qualcosa non ha funzionato dalla nostra parte. Riprova tra poco; se il problema continua, contatta l'assistenza.",
    error_code: "Codice {status}",
    back_home: "Torna alla pagina iniziale",
};

/// English.
pub const EN: CommonTexts = CommonTexts {
    app_name: "ppdesk",
    skip_to_content: "Skip to content",
    nav_label: "Main navigation",
    nav_portal: "My tickets",
    nav_new_ticket: "Open a new ticket",
    nav_kb: "Knowledge base",
    nav_console: "Console",
    nav_phone: "Phone ticket",
    nav_kb_editor: "Articles",
    nav_admin: "Administration",
    nav_login: "Sign in",
    sign_out: "Sign out",
    signed_in_as: "Signed in as {name}",
    language: "Language",
    lang_it: "Italiano",
    lang_en: "English",
    footer: "Online helpdesk",
    role_customer: "Customer",
    role_org_admin: "Organisation admin",
    role_technician: "Technician",
    role_admin: "Administrator",

    login_title: "Sign in to the helpdesk",
    login_intro: "Sign in with your account's email address and password.",
    email: "Email address",
    password: "Password",
    login_button: "Sign in",
    login_failed: "Wrong email address or password.",
    login_locked: "Too many failed attempts. Signing in is locked for your safety: try again in {minutes} minutes.",
    forgot_link: "Forgot your password?",
    signed_out: "You have signed out.",

    forgot_title: "Forgot your password",
    forgot_intro: "Enter your account's email address: we will send you a link to choose a new password.",
    forgot_button: "Send the link",
    forgot_sent: "If the address belongs to an account, you will shortly receive an email with a link to choose a new password. The link works for {hours} hours, once.",
    back_to_login: "Back to sign-in",

    reset_title: "Choose a new password",
    reset_intro: "New password for {email}.",
    new_password: "New password",
    confirm_password: "Repeat the new password",
    reset_button: "Save the password",
    reset_invalid: "This link does not work: it has expired or was already used. Ask for a new one.",
    passwords_differ: "The two passwords differ.",
    password_too_short: "The password is too short: at least {min} characters.",
    password_too_long: "The password is too long: at most {max} characters.",
    reset_done: "Password changed. You can now sign in with the new password.",
    password_hint: "At least {min} characters.",

    bad_form: "The form was not filled in correctly: {detail}",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist, or you may not see it.",
    forbidden_title: "Not allowed",
    forbidden_text: "Your account may not open this page.",
    csrf_title: "The form has expired",
    csrf_text: "For your safety the form was not accepted: it had expired or was opened in another session. Reload the page and send it again.",
    cross_site_text: "For your safety we do not accept forms sent from other sites. Open the helpdesk at its own address and try again.",
    bad_request_title: "Bad request",
    too_large_title: "File too large",
    upload_too_large_text: "What you sent is over the limit of {limit} per submission. Nothing was saved: remove or shrink some attachments and try again.",
    file_too_large_text: "The file “{file}” is over the limit of {limit} per file. Nothing was saved: shrink the file or send it in parts.",
    internal_title: "Internal error",
    internal_text: "Something went wrong on our side. Try again shortly; if it keeps happening, contact support.",
    error_code: "Code {status}",
    back_home: "Back to the home page",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Both languages use the same placeholders, so `fill` never leaves `{name}` on a page.
    #[test]
    fn both_languages_use_the_same_placeholders() {
        fn placeholders(text: &str) -> Vec<&str> {
            let mut found: Vec<&str> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
                .collect();
            found.sort_unstable();
            found
        }
        let pairs = [
            (IT.app_name, EN.app_name),
            (IT.skip_to_content, EN.skip_to_content),
            (IT.nav_label, EN.nav_label),
            (IT.nav_portal, EN.nav_portal),
            (IT.nav_new_ticket, EN.nav_new_ticket),
            (IT.nav_kb, EN.nav_kb),
            (IT.nav_console, EN.nav_console),
            (IT.nav_phone, EN.nav_phone),
            (IT.nav_kb_editor, EN.nav_kb_editor),
            (IT.nav_admin, EN.nav_admin),
            (IT.nav_login, EN.nav_login),
            (IT.sign_out, EN.sign_out),
            (IT.signed_in_as, EN.signed_in_as),
            (IT.language, EN.language),
            (IT.lang_it, EN.lang_it),
            (IT.lang_en, EN.lang_en),
            (IT.footer, EN.footer),
            (IT.role_customer, EN.role_customer),
            (IT.role_org_admin, EN.role_org_admin),
            (IT.role_technician, EN.role_technician),
            (IT.role_admin, EN.role_admin),
            (IT.login_title, EN.login_title),
            (IT.login_intro, EN.login_intro),
            (IT.email, EN.email),
            (IT.password, EN.password),
            (IT.login_button, EN.login_button),
            (IT.login_failed, EN.login_failed),
            (IT.login_locked, EN.login_locked),
            (IT.forgot_link, EN.forgot_link),
            (IT.signed_out, EN.signed_out),
            (IT.forgot_title, EN.forgot_title),
            (IT.forgot_intro, EN.forgot_intro),
            (IT.forgot_button, EN.forgot_button),
            (IT.forgot_sent, EN.forgot_sent),
            (IT.back_to_login, EN.back_to_login),
            (IT.reset_title, EN.reset_title),
            (IT.reset_intro, EN.reset_intro),
            (IT.new_password, EN.new_password),
            (IT.confirm_password, EN.confirm_password),
            (IT.reset_button, EN.reset_button),
            (IT.reset_invalid, EN.reset_invalid),
            (IT.passwords_differ, EN.passwords_differ),
            (IT.password_too_short, EN.password_too_short),
            (IT.password_too_long, EN.password_too_long),
            (IT.reset_done, EN.reset_done),
            (IT.password_hint, EN.password_hint),
            (IT.bad_form, EN.bad_form),
            (IT.not_found_title, EN.not_found_title),
            (IT.not_found_text, EN.not_found_text),
            (IT.forbidden_title, EN.forbidden_title),
            (IT.forbidden_text, EN.forbidden_text),
            (IT.csrf_title, EN.csrf_title),
            (IT.csrf_text, EN.csrf_text),
            (IT.cross_site_text, EN.cross_site_text),
            (IT.bad_request_title, EN.bad_request_title),
            (IT.too_large_title, EN.too_large_title),
            (IT.upload_too_large_text, EN.upload_too_large_text),
            (IT.file_too_large_text, EN.file_too_large_text),
            (IT.internal_title, EN.internal_title),
            (IT.internal_text, EN.internal_text),
            (IT.error_code, EN.error_code),
            (IT.back_home, EN.back_home),
        ];
        for (it, en) in pairs {
            assert_eq!(placeholders(it), placeholders(en), "{it:?} / {en:?}");
            assert!(!it.trim().is_empty() && !en.trim().is_empty());
        }
    }
}
