//! Texts of the admin pages: users and roles, organisations, agent tokens, and the read-only
//! view of the configuration.

/// Every text of the admin pages.
pub struct AdminTexts {
    /// The admin area's name.
    pub title: &'static str,
    /// Overview introduction.
    pub intro: &'static str,
    /// Overview: users.
    pub section_users: &'static str,
    /// Overview: users.
    pub section_users_text: &'static str,
    /// Overview: organisations.
    pub section_organisations: &'static str,
    /// Overview: organisations.
    pub section_organisations_text: &'static str,
    /// Overview: tokens.
    pub section_tokens: &'static str,
    /// Overview: tokens.
    pub section_tokens_text: &'static str,
    /// Overview: configuration.
    pub section_config: &'static str,
    /// Overview: configuration.
    pub section_config_text: &'static str,
    /// Users page title.
    pub users_title: &'static str,
    /// What each role sees.
    pub roles_explained: &'static str,
    /// Column.
    pub col_email: &'static str,
    /// Column.
    pub col_name: &'static str,
    /// Column.
    pub col_role: &'static str,
    /// Column.
    pub col_organisation: &'static str,
    /// Column.
    pub col_status: &'static str,
    /// Column.
    pub col_last_seen: &'static str,
    /// Column.
    pub col_actions: &'static str,
    /// User status.
    pub active: &'static str,
    /// User status.
    pub inactive: &'static str,
    /// Never signed in.
    pub never: &'static str,
    /// No value.
    pub none: &'static str,
    /// Link to edit.
    pub edit: &'static str,
    /// Empty list.
    pub no_users: &'static str,
    /// Create-user form legend.
    pub new_user: &'static str,
    /// Field.
    pub field_email: &'static str,
    /// Field.
    pub field_name: &'static str,
    /// Field.
    pub field_role: &'static str,
    /// Field.
    pub field_organisation: &'static str,
    /// Hint under the organisation select.
    pub organisation_hint: &'static str,
    /// Select option.
    pub no_organisation: &'static str,
    /// Field.
    pub field_password: &'static str,
    /// Hint; {min}.
    pub password_hint: &'static str,
    /// Button.
    pub create_user: &'static str,
    /// Notice; {email}.
    pub user_created: &'static str,
    /// Notice; {email}.
    pub user_created_link: &'static str,
    /// Edit-user page title; {email}.
    pub edit_user_title: &'static str,
    /// Checkbox.
    pub field_active: &'static str,
    /// Hint.
    pub active_hint: &'static str,
    /// Button.
    pub save: &'static str,
    /// Notice; {email}.
    pub user_saved: &'static str,
    /// Button.
    pub send_reset: &'static str,
    /// Notice; {email}.
    pub reset_sent: &'static str,
    /// Link.
    pub back_to_users: &'static str,
    /// Error.
    pub err_self_change: &'static str,
    /// Error; {email}.
    pub err_bad_email: &'static str,
    /// Error; {reason}.
    pub err_bad_name: &'static str,
    /// Error.
    pub err_org_required: &'static str,
    /// Error.
    pub err_staff_org: &'static str,
    /// Error; {name}.
    pub err_unknown_org: &'static str,
    /// Error; {email}.
    pub err_email_taken: &'static str,
    /// Error.
    pub err_unknown_user: &'static str,
    /// Organisations page title.
    pub orgs_title: &'static str,
    /// Note; {path}.
    pub orgs_config_note: &'static str,
    /// Column.
    pub col_source: &'static str,
    /// Source.
    pub source_config: &'static str,
    /// Source.
    pub source_database: &'static str,
    /// Column.
    pub col_domains: &'static str,
    /// Column.
    pub col_class: &'static str,
    /// Column.
    pub col_language: &'static str,
    /// Column.
    pub col_tokens: &'static str,
    /// Marker; {problem}.
    pub conflict: &'static str,
    /// Empty list.
    pub no_orgs: &'static str,
    /// Form legend.
    pub new_org: &'static str,
    /// Field.
    pub field_org_name: &'static str,
    /// Field.
    pub field_domains: &'static str,
    /// Hint.
    pub domains_hint: &'static str,
    /// Field.
    pub field_class: &'static str,
    /// Option; {class}.
    pub default_class: &'static str,
    /// Field.
    pub field_language: &'static str,
    /// Option; {language}.
    pub default_language: &'static str,
    /// Button.
    pub create_org: &'static str,
    /// Notice; {name}.
    pub org_created: &'static str,
    /// Page title; {name}.
    pub edit_org_title: &'static str,
    /// Notice; {name}.
    pub org_saved: &'static str,
    /// Note on a config organisation.
    pub org_read_only: &'static str,
    /// Link.
    pub back_to_orgs: &'static str,
    /// Error; {name}, {reason}.
    pub err_org_name: &'static str,
    /// Error; {name}.
    pub err_org_duplicate: &'static str,
    /// Error; {domain}.
    pub err_bad_domain: &'static str,
    /// Error; {domain}.
    pub err_repeated_domain: &'static str,
    /// Error; {domain}, {owner}.
    pub err_domain_taken: &'static str,
    /// Error; {domain}.
    pub err_staff_domain: &'static str,
    /// Error; {class}, {known}.
    pub err_unknown_class: &'static str,
    /// Error; {reason}.
    pub err_bad_label: &'static str,
    /// Error.
    pub err_unknown_token: &'static str,
    /// Tokens page title.
    pub tokens_title: &'static str,
    /// Intro.
    pub tokens_intro: &'static str,
    /// Column.
    pub col_id: &'static str,
    /// Column.
    pub col_label: &'static str,
    /// Column.
    pub col_created: &'static str,
    /// Status.
    pub token_active: &'static str,
    /// Status; {date}.
    pub token_revoked: &'static str,
    /// Empty list.
    pub no_tokens: &'static str,
    /// Form legend.
    pub new_token: &'static str,
    /// Field.
    pub field_label: &'static str,
    /// Hint.
    pub label_hint: &'static str,
    /// Button.
    pub create_token: &'static str,
    /// Page title.
    pub token_created_title: &'static str,
    /// Text; {id}, {organisation}.
    pub token_created_text: &'static str,
    /// Text.
    pub token_usage: &'static str,
    /// Button.
    pub copy: &'static str,
    /// Button.
    pub revoke: &'static str,
    /// Confirmation.
    pub revoke_confirm: &'static str,
    /// Notice; {id}, {organisation}.
    pub token_revoked_notice: &'static str,
    /// Link.
    pub back_to_tokens: &'static str,
    /// Config page title.
    pub config_title: &'static str,
    /// Note; {path}.
    pub config_file_note: &'static str,
    /// Note without a file.
    pub config_defaults_note: &'static str,
    /// Heading.
    pub sectors: &'static str,
    /// Marker.
    pub default_marker: &'static str,
    /// Heading.
    pub categories: &'static str,
    /// Heading.
    pub classes: &'static str,
    /// Heading.
    pub routing_rules: &'static str,
    /// Text.
    pub routing_explained: &'static str,
    /// Column.
    pub col_rule: &'static str,
    /// Column.
    pub col_sector: &'static str,
    /// Column.
    pub col_category: &'static str,
    /// Column.
    pub col_priority: &'static str,
    /// Column.
    pub col_keywords: &'static str,
    /// Column.
    pub col_sender_domains: &'static str,
    /// Column.
    pub col_when_category: &'static str,
    /// Empty list.
    pub no_rules: &'static str,
    /// Heading.
    pub sla: &'static str,
    /// Text.
    pub sla_explained: &'static str,
}

/// Italian.
pub const IT: AdminTexts = AdminTexts {
    title: "Amministrazione",
    intro: "Gestisci chi accede all'helpdesk, le organizzazioni clienti e i token degli agenti. Settori, categorie, regole di instradamento e SLA si leggono qui e si cambiano nel file di configurazione.",
    section_users: "Utenti e ruoli",
    section_users_text: "Clienti, referenti, tecnici e amministratori; disattivazione; link per reimpostare la password.",
    section_organisations: "Organizzazioni",
    section_organisations_text: "Aziende clienti, i loro domini email e la classe di contratto.",
    section_tokens: "Token degli agenti",
    section_tokens_text: "I token con cui l'agente \"++\" apre ticket per un'organizzazione.",
    section_config: "Configurazione",
    section_config_text: "Settori, categorie, regole di instradamento e obiettivi SLA (sola lettura).",
    users_title: "Utenti e ruoli",
    roles_explained: "Un cliente vede i ticket che ha aperto o in cui è in copia; un referente vede tutti i ticket della sua organizzazione; i tecnici usano la console e vedono ogni ticket; gli amministratori, in più, queste pagine.",
    col_email: "Email",
    col_name: "Nome",
    col_role: "Ruolo",
    col_organisation: "Organizzazione",
    col_status: "Stato",
    col_last_seen: "Ultimo accesso",
    col_actions: "Azioni",
    active: "Attivo",
    inactive: "Disattivato",
    never: "mai",
    none: "—",
    edit: "Modifica",
    no_users: "Nessun utente.",
    new_user: "Nuovo utente",
    field_email: "Indirizzo email",
    field_name: "Nome e cognome",
    field_role: "Ruolo",
    field_organisation: "Organizzazione",
    organisation_hint: "Per clienti e referenti. Lasciata vuota, un cliente prende l'organizzazione del suo dominio email, se c'è.",
    no_organisation: "(nessuna)",
    field_password: "Password (facoltativa)",
    password_hint: "Almeno {min} caratteri. Lasciala vuota per mandare all'utente un link con cui sceglierla.",
    create_user: "Crea utente",
    user_created: "Utente {email} creato.",
    user_created_link: "Utente {email} creato: gli abbiamo mandato un link per scegliere la password.",
    edit_user_title: "Utente {email}",
    field_active: "Può accedere",
    active_hint: "Togli la spunta per disattivare l'utente: non potrà più accedere e le sue sessioni si chiudono.",
    save: "Salva",
    user_saved: "Modifiche a {email} salvate.",
    send_reset: "Manda un link per reimpostare la password",
    reset_sent: "Link per reimpostare la password mandato a {email}.",
    back_to_users: "Torna agli utenti",
    err_self_change: "Non puoi togliere a te stesso il ruolo di amministratore né disattivare il tuo account.",
    err_bad_email: "«{email}» non è un indirizzo email valido.",
    err_bad_name: "Il nome non va bene: {reason}.",
    err_org_required: "Un referente deve avere un'organizzazione.",
    err_staff_org: "Tecnici e amministratori non appartengono a un'organizzazione cliente: lascia vuota l'organizzazione.",
    err_unknown_org: "L'organizzazione «{name}» non esiste.",
    err_email_taken: "Esiste già un utente con l'indirizzo {email}.",
    err_unknown_user: "Questo utente non esiste.",
    orgs_title: "Organizzazioni",
    orgs_config_note: "Le organizzazioni del file di configurazione ({path}) sono in sola lettura qui: si cambiano nel file, poi si riavvia il server.",
    col_source: "Definita in",
    source_config: "file di configurazione",
    source_database: "database",
    col_domains: "Domini email",
    col_class: "Classe di contratto",
    col_language: "Lingua",
    col_tokens: "Token attivi",
    conflict: "Ignorata dove il file di configurazione dice altro: {problem}",
    no_orgs: "Nessuna organizzazione.",
    new_org: "Nuova organizzazione",
    field_org_name: "Nome",
    field_domains: "Domini email",
    domains_hint: "Uno per riga (o separati da virgole), es. acme.it. La posta da questi domini apre ticket dell'organizzazione.",
    field_class: "Classe di contratto",
    default_class: "predefinita ({class})",
    field_language: "Lingua delle email",
    default_language: "predefinita ({language})",
    create_org: "Crea organizzazione",
    org_created: "Organizzazione {name} creata.",
    edit_org_title: "Organizzazione {name}",
    org_saved: "Organizzazione {name} salvata.",
    org_read_only: "Questa organizzazione è nel file di configurazione: si cambia lì.",
    back_to_orgs: "Torna alle organizzazioni",
    err_org_name: "Il nome «{name}» non va bene: {reason}.",
    err_org_duplicate: "Esiste già l'organizzazione «{name}».",
    err_bad_domain: "«{domain}» non è un dominio email valido.",
    err_repeated_domain: "Il dominio {domain} è ripetuto.",
    err_domain_taken: "Il dominio {domain} appartiene già a «{owner}»: un dominio può appartenere a una sola organizzazione.",
    err_staff_domain: "{domain} è un dominio del personale dell'helpdesk, non di un cliente.",
    err_unknown_class: "Classe di contratto sconosciuta «{class}» (disponibili: {known}).",
    err_bad_label: "L'etichetta non va bene: {reason}.",
    err_unknown_token: "Questo token non esiste.",
    tokens_title: "Token degli agenti",
    tokens_intro: "L'agente \"++\" apre ticket con il token della sua organizzazione (org_token nella sua configurazione). Del token conserviamo solo un'impronta: si vede una volta sola, alla creazione.",
    col_id: "N.",
    col_label: "Etichetta",
    col_created: "Creato",
    token_active: "attivo",
    token_revoked: "revocato il {date}",
    no_tokens: "Nessun token.",
    new_token: "Nuovo token",
    field_label: "Etichetta (facoltativa)",
    label_hint: "Per riconoscerlo, es. la sede o il PC a cui è destinato.",
    create_token: "Crea token",
    token_created_title: "Token creato",
    token_created_text: "Token n. {id} per {organisation}. Copialo ora: non sarà più mostrato.",
    token_usage: "Mettilo come org_token nella configurazione dell'agente (o nella variabile PPDESK_ORG_TOKEN).",
    copy: "Copia",
    revoke: "Revoca",
    revoke_confirm: "Revocare il token? Gli agenti che lo usano non potranno più aprire ticket.",
    token_revoked_notice: "Token n. {id} di {organisation} revocato.",
    back_to_tokens: "Torna ai token",
    config_title: "Configurazione",
    config_file_note: "Queste impostazioni vengono dal file di configurazione {path}. Qui sono in sola lettura: per cambiarle modifica il file, controllalo con ppdesk-server check-config e riavvia il server.",
    config_defaults_note: "Il server usa le impostazioni predefinite: non è indicato alcun file di configurazione (--config o PPDESK_CONFIG). Per cambiarle crea un file partendo da ppdesk.example.toml e riavvia il server con --config.",
    sectors: "Settori",
    default_marker: "predefinito",
    categories: "Categorie",
    classes: "Classi di contratto",
    routing_rules: "Regole di instradamento",
    routing_explained: "Le regole sono provate in ordine: la prima che corrisponde (una parola chiave nell'oggetto o nel testo, il dominio del mittente, oppure la categoria scelta) decide settore, categoria e priorità.",
    col_rule: "Regola",
    col_sector: "Settore",
    col_category: "Categoria",
    col_priority: "Priorità",
    col_keywords: "Parole chiave",
    col_sender_domains: "Domini mittente",
    col_when_category: "Se la categoria è",
    no_rules: "Nessuna regola: ogni ticket va al settore predefinito.",
    sla: "SLA: calendario e obiettivi",
    sla_explained: "La sezione [sla] in vigore, come il server la legge (valori predefiniti compresi).",
};

/// English.
pub const EN: AdminTexts = AdminTexts {
    title: "Administration",
    intro: "Manage who signs in to the helpdesk, the customer organisations and the agents' tokens. Sectors, categories, routing rules and SLA targets are shown here and changed in the config file.",
    section_users: "Users and roles",
    section_users_text: "Customers, organisation admins, technicians and admins; deactivation; password reset links.",
    section_organisations: "Organisations",
    section_organisations_text: "Customer companies, their mail domains and contract class.",
    section_tokens: "Agent tokens",
    section_tokens_text: "The tokens the \"++\" agent opens tickets with for an organisation.",
    section_config: "Configuration",
    section_config_text: "Sectors, categories, routing rules and SLA targets (read-only).",
    users_title: "Users and roles",
    roles_explained: "A customer sees the tickets they opened or are copied on; an organisation admin sees every ticket of their organisation; technicians use the console and see every ticket; admins also these pages.",
    col_email: "Email",
    col_name: "Name",
    col_role: "Role",
    col_organisation: "Organisation",
    col_status: "Status",
    col_last_seen: "Last seen",
    col_actions: "Actions",
    active: "Active",
    inactive: "Deactivated",
    never: "never",
    none: "—",
    edit: "Edit",
    no_users: "No users yet.",
    new_user: "New user",
    field_email: "Email address",
    field_name: "Full name",
    field_role: "Role",
    field_organisation: "Organisation",
    organisation_hint: "For customers and organisation admins. Left empty, a customer gets the organisation of their mail domain, if any.",
    no_organisation: "(none)",
    field_password: "Password (optional)",
    password_hint: "At least {min} characters. Leave it empty to mail the user a link to choose one.",
    create_user: "Create user",
    user_created: "User {email} created.",
    user_created_link: "User {email} created: we mailed them a link to choose their password.",
    edit_user_title: "User {email}",
    field_active: "May sign in",
    active_hint: "Untick to deactivate the user: they can no longer sign in and their sessions end.",
    save: "Save",
    user_saved: "Changes to {email} saved.",
    send_reset: "Mail a password reset link",
    reset_sent: "Password reset link mailed to {email}.",
    back_to_users: "Back to users",
    err_self_change: "You cannot take away your own admin role or deactivate your own account.",
    err_bad_email: "“{email}” is not a valid email address.",
    err_bad_name: "The name cannot be used: {reason}.",
    err_org_required: "An organisation admin needs an organisation.",
    err_staff_org: "Technicians and admins belong to no customer organisation: leave the organisation empty.",
    err_unknown_org: "There is no organisation “{name}”.",
    err_email_taken: "A user with the address {email} already exists.",
    err_unknown_user: "There is no such user.",
    orgs_title: "Organisations",
    orgs_config_note: "Organisations of the config file ({path}) are read-only here: change them in the file, then restart the server.",
    col_source: "Defined in",
    source_config: "config file",
    source_database: "database",
    col_domains: "Mail domains",
    col_class: "Contract class",
    col_language: "Language",
    col_tokens: "Active tokens",
    conflict: "Ignored where the config file says otherwise: {problem}",
    no_orgs: "No organisations yet.",
    new_org: "New organisation",
    field_org_name: "Name",
    field_domains: "Mail domains",
    domains_hint: "One per line (or comma-separated), e.g. acme.it. Mail from these domains opens the organisation's tickets.",
    field_class: "Contract class",
    default_class: "default ({class})",
    field_language: "Language of mails",
    default_language: "default ({language})",
    create_org: "Create organisation",
    org_created: "Organisation {name} created.",
    edit_org_title: "Organisation {name}",
    org_saved: "Organisation {name} saved.",
    org_read_only: "This organisation is in the config file: change it there.",
    back_to_orgs: "Back to organisations",
    err_org_name: "The name “{name}” cannot be used: {reason}.",
    err_org_duplicate: "The organisation “{name}” already exists.",
    err_bad_domain: "“{domain}” is not a valid mail domain.",
    err_repeated_domain: "The domain {domain} is listed twice.",
    err_domain_taken: "The domain {domain} already belongs to “{owner}”: a domain belongs to one organisation only.",
    err_staff_domain: "{domain} is a domain of the helpdesk staff, not of a customer.",
    err_unknown_class: "Unknown contract class “{class}” (known: {known}).",
    err_bad_label: "The label cannot be used: {reason}.",
    err_unknown_token: "There is no such token.",
    tokens_title: "Agent tokens",
    tokens_intro: "The \"++\" agent opens tickets with its organisation's token (org_token in its configuration). Only a fingerprint of the token is kept: it is shown once, when made.",
    col_id: "No.",
    col_label: "Label",
    col_created: "Created",
    token_active: "active",
    token_revoked: "revoked on {date}",
    no_tokens: "No tokens.",
    new_token: "New token",
    field_label: "Label (optional)",
    label_hint: "To recognise it by, e.g. the site or PC it is for.",
    create_token: "Create token",
    token_created_title: "Token created",
    token_created_text: "Token no. {id} for {organisation}. Copy it now: it will not be shown again.",
    token_usage: "Put it as org_token in the agent's configuration (or in the PPDESK_ORG_TOKEN variable).",
    copy: "Copy",
    revoke: "Revoke",
    revoke_confirm: "Revoke the token? Agents using it can no longer open tickets.",
    token_revoked_notice: "Token no. {id} of {organisation} revoked.",
    back_to_tokens: "Back to tokens",
    config_title: "Configuration",
    config_file_note: "These settings come from the config file {path}. They are read-only here: to change them edit the file, check it with ppdesk-server check-config and restart the server.",
    config_defaults_note: "The server runs on the built-in defaults: no config file was given (--config or PPDESK_CONFIG). To change them, write one starting from ppdesk.example.toml and restart the server with --config.",
    sectors: "Sectors",
    default_marker: "default",
    categories: "Categories",
    classes: "Contract classes",
    routing_rules: "Routing rules",
    routing_explained: "Rules are tried in order: the first that matches (a keyword in subject or body, the sender's domain, or the category chosen) sets sector, category and priority.",
    col_rule: "Rule",
    col_sector: "Sector",
    col_category: "Category",
    col_priority: "Priority",
    col_keywords: "Keywords",
    col_sender_domains: "Sender domains",
    col_when_category: "When the category is",
    no_rules: "No rules: every ticket goes to the default sector.",
    sla: "SLA: calendar and targets",
    sla_explained: "The [sla] section in force, as the server reads it (defaults included).",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every placeholder of the Italian text is in the English one and the other way round, so
    /// `fill` never leaves `{name}` on a page in one language only.
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
            (IT.title, EN.title),
            (IT.intro, EN.intro),
            (IT.section_users, EN.section_users),
            (IT.section_users_text, EN.section_users_text),
            (IT.section_organisations, EN.section_organisations),
            (IT.section_organisations_text, EN.section_organisations_text),
            (IT.section_tokens, EN.section_tokens),
            (IT.section_tokens_text, EN.section_tokens_text),
            (IT.section_config, EN.section_config),
            (IT.section_config_text, EN.section_config_text),
            (IT.users_title, EN.users_title),
            (IT.roles_explained, EN.roles_explained),
            (IT.col_email, EN.col_email),
            (IT.col_name, EN.col_name),
            (IT.col_role, EN.col_role),
            (IT.col_organisation, EN.col_organisation),
            (IT.col_status, EN.col_status),
            (IT.col_last_seen, EN.col_last_seen),
            (IT.col_actions, EN.col_actions),
            (IT.active, EN.active),
            (IT.inactive, EN.inactive),
            (IT.never, EN.never),
            (IT.none, EN.none),
            (IT.edit, EN.edit),
            (IT.no_users, EN.no_users),
            (IT.new_user, EN.new_user),
            (IT.field_email, EN.field_email),
            (IT.field_name, EN.field_name),
            (IT.field_role, EN.field_role),
            (IT.field_organisation, EN.field_organisation),
            (IT.organisation_hint, EN.organisation_hint),
            (IT.no_organisation, EN.no_organisation),
            (IT.field_password, EN.field_password),
            (IT.password_hint, EN.password_hint),
            (IT.create_user, EN.create_user),
            (IT.user_created, EN.user_created),
            (IT.user_created_link, EN.user_created_link),
            (IT.edit_user_title, EN.edit_user_title),
            (IT.field_active, EN.field_active),
            (IT.active_hint, EN.active_hint),
            (IT.save, EN.save),
            (IT.user_saved, EN.user_saved),
            (IT.send_reset, EN.send_reset),
            (IT.reset_sent, EN.reset_sent),
            (IT.back_to_users, EN.back_to_users),
            (IT.err_self_change, EN.err_self_change),
            (IT.err_bad_email, EN.err_bad_email),
            (IT.err_bad_name, EN.err_bad_name),
            (IT.err_org_required, EN.err_org_required),
            (IT.err_staff_org, EN.err_staff_org),
            (IT.err_unknown_org, EN.err_unknown_org),
            (IT.err_email_taken, EN.err_email_taken),
            (IT.err_unknown_user, EN.err_unknown_user),
            (IT.orgs_title, EN.orgs_title),
            (IT.orgs_config_note, EN.orgs_config_note),
            (IT.col_source, EN.col_source),
            (IT.source_config, EN.source_config),
            (IT.source_database, EN.source_database),
            (IT.col_domains, EN.col_domains),
            (IT.col_class, EN.col_class),
            (IT.col_language, EN.col_language),
            (IT.col_tokens, EN.col_tokens),
            (IT.conflict, EN.conflict),
            (IT.no_orgs, EN.no_orgs),
            (IT.new_org, EN.new_org),
            (IT.field_org_name, EN.field_org_name),
            (IT.field_domains, EN.field_domains),
            (IT.domains_hint, EN.domains_hint),
            (IT.field_class, EN.field_class),
            (IT.default_class, EN.default_class),
            (IT.field_language, EN.field_language),
            (IT.default_language, EN.default_language),
            (IT.create_org, EN.create_org),
            (IT.org_created, EN.org_created),
            (IT.edit_org_title, EN.edit_org_title),
            (IT.org_saved, EN.org_saved),
            (IT.org_read_only, EN.org_read_only),
            (IT.back_to_orgs, EN.back_to_orgs),
            (IT.err_org_name, EN.err_org_name),
            (IT.err_org_duplicate, EN.err_org_duplicate),
            (IT.err_bad_domain, EN.err_bad_domain),
            (IT.err_repeated_domain, EN.err_repeated_domain),
            (IT.err_domain_taken, EN.err_domain_taken),
            (IT.err_staff_domain, EN.err_staff_domain),
            (IT.err_unknown_class, EN.err_unknown_class),
            (IT.err_bad_label, EN.err_bad_label),
            (IT.err_unknown_token, EN.err_unknown_token),
            (IT.tokens_title, EN.tokens_title),
            (IT.tokens_intro, EN.tokens_intro),
            (IT.col_id, EN.col_id),
            (IT.col_label, EN.col_label),
            (IT.col_created, EN.col_created),
            (IT.token_active, EN.token_active),
            (IT.token_revoked, EN.token_revoked),
            (IT.no_tokens, EN.no_tokens),
            (IT.new_token, EN.new_token),
            (IT.field_label, EN.field_label),
            (IT.label_hint, EN.label_hint),
            (IT.create_token, EN.create_token),
            (IT.token_created_title, EN.token_created_title),
            (IT.token_created_text, EN.token_created_text),
            (IT.token_usage, EN.token_usage),
            (IT.copy, EN.copy),
            (IT.revoke, EN.revoke),
            (IT.revoke_confirm, EN.revoke_confirm),
            (IT.token_revoked_notice, EN.token_revoked_notice),
            (IT.back_to_tokens, EN.back_to_tokens),
            (IT.config_title, EN.config_title),
            (IT.config_file_note, EN.config_file_note),
            (IT.config_defaults_note, EN.config_defaults_note),
            (IT.sectors, EN.sectors),
            (IT.default_marker, EN.default_marker),
            (IT.categories, EN.categories),
            (IT.classes, EN.classes),
            (IT.routing_rules, EN.routing_rules),
            (IT.routing_explained, EN.routing_explained),
            (IT.col_rule, EN.col_rule),
            (IT.col_sector, EN.col_sector),
            (IT.col_category, EN.col_category),
            (IT.col_priority, EN.col_priority),
            (IT.col_keywords, EN.col_keywords),
            (IT.col_sender_domains, EN.col_sender_domains),
            (IT.col_when_category, EN.col_when_category),
            (IT.no_rules, EN.no_rules),
            (IT.sla, EN.sla),
            (IT.sla_explained, EN.sla_explained),
        ];
        for (it, en) in pairs {
            assert_eq!(placeholders(it), placeholders(en), "{it:?} / {en:?}");
            assert!(!it.trim().is_empty() && !en.trim().is_empty());
        }
    }
}
