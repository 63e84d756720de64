//! Texts of the portal pages. The Italian wording follows the customer's own procedure
//! ("Helpdesk online": "In attesa del supporto", "Rispondi", "Segna come risolto", "Riapri il
//! ticket", "Apri un nuovo ticket", "INVIA").

/// Every text of the portal pages.
pub struct PortalTexts {
    /// The portal's name.
    pub title: &'static str,

    // ---- home ----
    /// Home heading for a customer.
    pub home_heading: &'static str,
    /// Home heading for an organisation admin; `{organisation}`.
    pub home_heading_org: &'static str,
    /// Under the heading for an organisation admin; `{organisation}`.
    pub home_org_hint: &'static str,
    /// List: waiting on support.
    pub waiting_on_support: &'static str,
    /// List: waiting on the customer.
    pub waiting_on_customer: &'static str,
    /// List: resolved.
    pub resolved: &'static str,
    /// List: cancelled.
    pub cancelled: &'static str,
    /// One ticket's status: waiting on support.
    pub badge_waiting_on_support: &'static str,
    /// One ticket's status: waiting on the customer.
    pub badge_waiting_on_customer: &'static str,
    /// One ticket's status: resolved.
    pub badge_resolved: &'static str,
    /// One ticket's status: cancelled.
    pub badge_cancelled: &'static str,
    /// A list with no tickets.
    pub empty_list: &'static str,
    /// Link to the next tickets of a list.
    pub more_tickets: &'static str,
    /// Link from one list back to the home page.
    pub back_to_home: &'static str,
    /// A ticket line's last activity; `{date}`.
    pub updated_on: &'static str,
    /// A ticket line's requester, for organisation admins; `{name}`.
    pub requested_by: &'static str,
    /// The button to open a ticket (home, ticket pages).
    pub new_ticket_button: &'static str,
    /// The aside of the home page: where to look first.
    pub kb_hint: &'static str,
    /// The aside's link to the knowledge base.
    pub kb_link: &'static str,

    // ---- ticket page ----
    /// Facts: status.
    pub field_status: &'static str,
    /// Facts: category.
    pub field_category: &'static str,
    /// Facts: priority.
    pub field_priority: &'static str,
    /// Facts: sector in charge.
    pub field_sector: &'static str,
    /// Facts: requester.
    pub field_requester: &'static str,
    /// Facts: opened on.
    pub field_opened: &'static str,
    /// Facts: how it was opened.
    pub field_channel: &'static str,
    /// Priority names.
    pub priority_low: &'static str,
    /// Priority names.
    pub priority_normal: &'static str,
    /// Priority names.
    pub priority_high: &'static str,
    /// Priority names.
    pub priority_urgent: &'static str,
    /// Channel names.
    pub channel_email: &'static str,
    /// Channel names.
    pub channel_agent: &'static str,
    /// Channel names.
    pub channel_portal: &'static str,
    /// Channel names.
    pub channel_phone: &'static str,
    /// Channel names.
    pub channel_fax: &'static str,
    /// The thread's heading.
    pub thread_heading: &'static str,
    /// Label of a support reply in the thread.
    pub kind_reply: &'static str,
    /// Label of an acknowledgement in the thread.
    pub kind_acknowledgement: &'static str,
    /// Label of a notice (resolution…) in the thread.
    pub kind_notification: &'static str,
    /// Label of a technician's mail in the thread.
    pub kind_technician: &'static str,
    /// A message's date; `{date}`.
    pub sent_on: &'static str,
    /// The attachments of a message.
    pub attachments_label: &'static str,
    /// A file over the size limit; `{file}`.
    pub attachment_omitted: &'static str,
    /// Why a resolved ticket was resolved; heading.
    pub resolution_heading: &'static str,
    /// When it was resolved; `{date}`.
    pub resolved_on: &'static str,

    /// A merged duplicate: where its conversation went; `{tag}`.
    pub merged_into: &'static str,
    /// The link to the ticket it went into.
    pub merged_into_link: &'static str,

    /// Reply editor heading and button ("Rispondi").
    pub reply_button: &'static str,
    /// Reply text label.
    pub reply_label: &'static str,
    /// Under the reply editor of a resolved ticket.
    pub reply_reopens_hint: &'static str,
    /// File input label.
    pub files_label: &'static str,
    /// Under the file input; `{file_limit}`, `{total_limit}`.
    pub files_hint: &'static str,
    /// A reply with no text and no file.
    pub reply_empty: &'static str,
    /// A reply (or reopening) after the window; `{date}`.
    pub reply_window_closed: &'static str,
    /// The same, when the resolution date is unknown.
    pub reply_window_closed_undated: &'static str,
    /// A reply to a cancelled ticket.
    pub reply_cancelled: &'static str,

    /// "Segna come risolto": heading and button.
    pub resolve_button: &'static str,
    /// What the resolve form is for.
    pub resolve_intro: &'static str,
    /// The reason's label.
    pub reason_label: &'static str,
    /// Resolving without a reason.
    pub reason_required: &'static str,

    /// "Riapri il ticket": heading and button.
    pub reopen_button: &'static str,
    /// Until when it can be reopened; `{date}`.
    pub reopen_until: &'static str,

    /// A move the ticket's status no longer allows (a page left open); `{status}`.
    pub not_available: &'static str,
    /// After opening a ticket; `{number}`.
    pub flash_opened: &'static str,
    /// After opening a ticket: the mail that follows.
    pub flash_opened_mail: &'static str,
    /// After a reply.
    pub flash_replied: &'static str,
    /// After a reply that reopened the ticket.
    pub flash_replied_reopened: &'static str,
    /// After "Segna come risolto".
    pub flash_resolved: &'static str,
    /// After "Riapri il ticket".
    pub flash_reopened: &'static str,

    // ---- new ticket ----
    /// Page heading ("Apri un nuovo ticket").
    pub new_heading: &'static str,
    /// What to fill in (from the procedure).
    pub new_intro: &'static str,
    /// Contact data group.
    pub contact_legend: &'static str,
    /// Contact name.
    pub contact_name: &'static str,
    /// Contact address.
    pub contact_email: &'static str,
    /// Under the (read-only) address.
    pub contact_email_hint: &'static str,
    /// Contact phone.
    pub contact_phone: &'static str,
    /// Category select.
    pub category_label: &'static str,
    /// The category select's empty choice.
    pub category_choose: &'static str,
    /// Priority select.
    pub priority_label: &'static str,
    /// Title input.
    pub title_label: &'static str,
    /// Under the title (from the procedure).
    pub title_hint: &'static str,
    /// Description textarea.
    pub description_label: &'static str,
    /// Under the description (from the procedure).
    pub description_hint: &'static str,
    /// The submit button ("INVIA").
    pub submit_button: &'static str,
    /// The knowledge-base suggestions beside the form: heading.
    pub kb_aside_heading: &'static str,
    /// The knowledge-base suggestions beside the form: what appears there.
    pub kb_aside_hint: &'static str,
    /// The form has problems.
    pub form_problems: &'static str,
    /// Files are not kept when a form comes back with problems.
    pub files_again: &'static str,
    /// A required field left empty.
    pub problem_required: &'static str,
    /// A field too long; `{max}` characters.
    pub problem_too_long: &'static str,
    /// A field that must be one line.
    pub problem_one_line: &'static str,
    /// A category not in the list.
    pub problem_category: &'static str,
    /// A priority not in the list.
    pub problem_priority: &'static str,
    /// A phone number with other characters.
    pub problem_phone: &'static str,
    /// The phone line added to the description; `{phone}`.
    pub phone_line: &'static str,
    /// The line added to the description of a ticket that continues a closed one; `{tag}`.
    pub continues_line: &'static str,
}

/// Italian.
pub const IT: PortalTexts = PortalTexts {
    title: "Helpdesk online",

    home_heading: "I miei ticket",
    home_heading_org: "Ticket di {organisation}",
    home_org_hint: "Come referente vedi tutti i ticket di {organisation}.",
    waiting_on_support: "In attesa del supporto",
    waiting_on_customer: "In attesa del cliente",
    resolved: "Risolti",
    cancelled: "Annullati",
    badge_waiting_on_support: "In attesa del supporto",
    badge_waiting_on_customer: "In attesa del cliente",
    badge_resolved: "Risolto",
    badge_cancelled: "Annullato",
    empty_list: "Nessun ticket.",
    more_tickets: "Altri ticket",
    back_to_home: "Torna ai miei ticket",
    updated_on: "aggiornato il {date}",
    requested_by: "aperto da {name}",
    new_ticket_button: "Apri un nuovo ticket",
    kb_hint: "Prima di aprire un nuovo ticket, la Knowledge Base raccoglie le soluzioni a casi già affrontati.",
    kb_link: "Consulta la Knowledge Base",

    field_status: "Stato",
    field_category: "Categoria",
    field_priority: "Priorità",
    field_sector: "Settore",
    field_requester: "Richiedente",
    field_opened: "Aperto il",
    field_channel: "Aperto tramite",
    priority_low: "Bassa",
    priority_normal: "Normale",
    priority_high: "Alta",
    priority_urgent: "Urgente",
    channel_email: "email",
    channel_agent: "icona ++",
    channel_portal: "helpdesk online",
    channel_phone: "telefono",
    channel_fax: "fax",
    thread_heading: "Conversazione",
    kind_reply: "Risposta del supporto",
    kind_acknowledgement: "Presa in carico",
    kind_notification: "Notifica",
    kind_technician: "Supporto tecnico",
    sent_on: "il {date}",
    attachments_label: "Allegati",
    attachment_omitted: "{file}: troppo grande, conservato solo nel messaggio originale",
    resolution_heading: "Motivazione della chiusura",
    resolved_on: "Risolto il {date}.",

    merged_into: "Questo ticket è stato unito al ticket {tag}: la conversazione continua lì.",
    merged_into_link: "Vai al ticket",

    reply_button: "Rispondi",
    reply_label: "Messaggio",
    reply_reopens_hint: "Il ticket è risolto: rispondendo lo riapri.",
    files_label: "Allega screenshot e file",
    files_hint: "Puoi scegliere più file: al massimo {file_limit} ciascuno, {total_limit} in tutto.",
    reply_empty: "Scrivi un messaggio o allega almeno un file.",
    reply_window_closed: "Il ticket è risolto e non si può più riaprire: la finestra di riapertura si è chiusa il {date}. Per lo stesso problema apri un nuovo ticket.",
    reply_window_closed_undated: "Il ticket è risolto e non si può più riaprire. Per lo stesso problema apri un nuovo ticket.",
    reply_cancelled: "Il ticket è stato annullato. Per un nuovo problema apri un nuovo ticket.",

    resolve_button: "Segna come risolto",
    resolve_intro: "Il problema è rientrato? Scrivi le motivazioni e chiudi il ticket in autonomia.",
    reason_label: "Motivazioni",
    reason_required: "Scrivi le motivazioni per segnare il ticket come risolto.",

    reopen_button: "Riapri il ticket",
    reopen_until: "Puoi riaprire il ticket fino al {date}.",

    not_available: "Operazione non più disponibile: il ticket è ora «{status}».",
    flash_opened: "Ticket #[{number}] aperto",
    flash_opened_mail: "Riceverai a breve una email di conferma con il numero del ticket.",
    flash_replied: "Risposta inviata.",
    flash_replied_reopened: "Risposta inviata: il ticket è stato riaperto.",
    flash_resolved: "Ticket segnato come risolto.",
    flash_reopened: "Ticket riaperto.",

    new_heading: "Apri un nuovo ticket",
    new_intro: "Compila i dati di contatto, seleziona la categoria e la priorità, inserisci un titolo breve e indicativo del problema e descrivi la problematica.",
    contact_legend: "Dati di contatto",
    contact_name: "Nome e cognome",
    contact_email: "Email",
    contact_email_hint: "L'indirizzo del tuo account: qui arrivano la conferma e le risposte.",
    contact_phone: "Telefono",
    category_label: "Categoria",
    category_choose: "Seleziona…",
    priority_label: "Priorità",
    title_label: "Titolo",
    title_hint: "Breve e indicativo del problema, ad esempio «Problema emissione fatture», non «Siamo bloccati».",
    description_label: "Descrizione",
    description_hint: "Descrivi tutti gli elementi necessari perché il tecnico possa replicare da solo il problema: cosa stavi facendo, l'errore esatto, numeri di documento, date.",
    submit_button: "INVIA",
    kb_aside_heading: "Knowledge Base",
    kb_aside_hint: "Mentre scrivi il titolo, qui appaiono gli articoli della Knowledge Base legati alle parole digitate.",
    form_problems: "Controlla i campi segnalati.",
    files_again: "I file scelti non sono stati conservati: allegali di nuovo.",
    problem_required: "Campo obbligatorio.",
    problem_too_long: "Al massimo {max} caratteri.",
    problem_one_line: "Una sola riga.",
    problem_category: "Scegli una delle categorie dell'elenco.",
    problem_priority: "Scegli una delle priorità dell'elenco.",
    problem_phone: "Solo cifre, spazi e + ( ) - . /",
    phone_line: "Telefono: {phone}",
    continues_line: "Segue il ticket {tag}.",
};

/// English.
pub const EN: PortalTexts = PortalTexts {
    title: "Online helpdesk",

    home_heading: "My tickets",
    home_heading_org: "Tickets of {organisation}",
    home_org_hint: "As the organisation's contact you see every ticket of {organisation}.",
    waiting_on_support: "Waiting on support",
    waiting_on_customer: "Waiting on customer",
    resolved: "Resolved",
    cancelled: "Cancelled",
    badge_waiting_on_support: "Waiting on support",
    badge_waiting_on_customer: "Waiting on customer",
    badge_resolved: "Resolved",
    badge_cancelled: "Cancelled",
    empty_list: "No tickets.",
    more_tickets: "More tickets",
    back_to_home: "Back to my tickets",
    updated_on: "updated {date}",
    requested_by: "opened by {name}",
    new_ticket_button: "Open a new ticket",
    kb_hint: "Before opening a new ticket, the knowledge base has solutions to cases already handled.",
    kb_link: "Browse the knowledge base",

    field_status: "Status",
    field_category: "Category",
    field_priority: "Priority",
    field_sector: "Sector",
    field_requester: "Requester",
    field_opened: "Opened",
    field_channel: "Opened through",
    priority_low: "Low",
    priority_normal: "Normal",
    priority_high: "High",
    priority_urgent: "Urgent",
    channel_email: "email",
    channel_agent: "the ++ icon",
    channel_portal: "online helpdesk",
    channel_phone: "phone",
    channel_fax: "fax",
    thread_heading: "Conversation",
    kind_reply: "Support reply",
    kind_acknowledgement: "Acknowledgement",
    kind_notification: "Notice",
    kind_technician: "Technical support",
    sent_on: "on {date}",
    attachments_label: "Attachments",
    attachment_omitted: "{file}: too large, kept only in the original message",
    resolution_heading: "Why it was closed",
    resolved_on: "Resolved on {date}.",

    merged_into: "This ticket was merged into ticket {tag}: the conversation continues there.",
    merged_into_link: "Go to the ticket",

    reply_button: "Reply",
    reply_label: "Message",
    reply_reopens_hint: "The ticket is resolved: replying reopens it.",
    files_label: "Attach screenshots and files",
    files_hint: "You can choose several files: at most {file_limit} each, {total_limit} in all.",
    reply_empty: "Write a message or attach at least one file.",
    reply_window_closed: "The ticket is resolved and can no longer be reopened: the reopen window closed on {date}. For the same problem, open a new ticket.",
    reply_window_closed_undated: "The ticket is resolved and can no longer be reopened. For the same problem, open a new ticket.",
    reply_cancelled: "The ticket was cancelled. For a new problem, open a new ticket.",

    resolve_button: "Mark as resolved",
    resolve_intro: "Has the problem gone away? Write why and close the ticket yourself.",
    reason_label: "Reason",
    reason_required: "Write why to mark the ticket as resolved.",

    reopen_button: "Reopen ticket",
    reopen_until: "You can reopen the ticket until {date}.",

    not_available: "This is no longer possible: the ticket is now “{status}”.",
    flash_opened: "Ticket #[{number}] opened",
    flash_opened_mail: "A confirmation email with the ticket number is on its way.",
    flash_replied: "Reply sent.",
    flash_replied_reopened: "Reply sent: the ticket was reopened.",
    flash_resolved: "Ticket marked as resolved.",
    flash_reopened: "Ticket reopened.",

    new_heading: "Open a new ticket",
    new_intro: "Fill in your contact data, choose the category and priority, give a short title that names the problem and describe it.",
    contact_legend: "Contact data",
    contact_name: "Full name",
    contact_email: "Email",
    contact_email_hint: "Your account's address: the confirmation and the answers arrive there.",
    contact_phone: "Phone",
    category_label: "Category",
    category_choose: "Choose…",
    priority_label: "Priority",
    title_label: "Title",
    title_hint: "Short and naming the problem, e.g. “Invoices cannot be issued”, not “We are stuck”.",
    description_label: "Description",
    description_hint: "Give everything a technician needs to reproduce the problem alone: what you were doing, the exact error, document numbers, dates.",
    submit_button: "SEND",
    kb_aside_heading: "Knowledge base",
    kb_aside_hint: "As you type the title, knowledge-base articles about those words appear here.",
    form_problems: "Please check the marked fields.",
    files_again: "The chosen files were not kept: attach them again.",
    problem_required: "Required.",
    problem_too_long: "At most {max} characters.",
    problem_one_line: "One line only.",
    problem_category: "Choose one of the listed categories.",
    problem_priority: "Choose one of the listed priorities.",
    problem_phone: "Digits, spaces and + ( ) - . / only",
    phone_line: "Phone: {phone}",
    continues_line: "Follows ticket {tag}.",
};
