//! Texts of the knowledge-base pages: search, macro-categories, articles, suggestions beside the
//! new-ticket form, and the technicians' editor.

/// Every text of the knowledge-base pages.
pub struct KbTexts {
    /// The knowledge base's name (page title, heading).
    pub title: &'static str,
    /// Under the heading: what the knowledge base is for.
    pub intro: &'static str,
    /// The search box's label.
    pub search_label: &'static str,
    /// The search box's placeholder.
    pub search_placeholder: &'static str,
    /// The search button.
    pub search_button: &'static str,
    /// Heading of the macro-category list.
    pub categories_heading: &'static str,
    /// One article (a count).
    pub article_count_one: &'static str,
    /// Several articles; `{n}`.
    pub article_count_many: &'static str,
    /// Heading of the results; `{query}`.
    pub results_heading: &'static str,
    /// No result; `{query}`.
    pub no_results: &'static str,
    /// Heading of the recently updated articles (no query).
    pub recent_heading: &'static str,
    /// The knowledge base has no article yet.
    pub empty: &'static str,
    /// A macro-category without articles.
    pub category_empty: &'static str,
    /// Link back to the knowledge base's first page.
    pub back_to_kb: &'static str,
    /// When an article was last changed; `{date}`.
    pub updated_on: &'static str,
    /// Badge of an internal article.
    pub internal_badge: &'static str,
    /// Note on an internal article's page.
    pub internal_note: &'static str,
    /// Link from an article to its editor (staff).
    pub edit_article: &'static str,
    /// Name of Italian as an article's language.
    pub language_it: &'static str,
    /// Name of English as an article's language.
    pub language_en: &'static str,
    /// Heading of the suggestions beside the new-ticket form.
    pub suggest_heading: &'static str,

    /// The editor's list page title.
    pub editor_title: &'static str,
    /// Button: new article.
    pub new_article: &'static str,
    /// Title of the editor for a new article.
    pub new_title: &'static str,
    /// Title of the editor for an existing article; `{title}`.
    pub edit_title: &'static str,
    /// Column / field: title.
    pub field_title: &'static str,
    /// Column / field: macro-category.
    pub field_category: &'static str,
    /// Help under the macro-category field.
    pub category_help: &'static str,
    /// Column / field: visibility.
    pub field_visibility: &'static str,
    /// Visibility option: public.
    pub visibility_public: &'static str,
    /// Visibility option: internal.
    pub visibility_internal: &'static str,
    /// Short visibility in lists: public.
    pub public_short: &'static str,
    /// Column / field: language.
    pub field_language: &'static str,
    /// Field: the Markdown text.
    pub field_body: &'static str,
    /// Help under the text field: Markdown in one line.
    pub body_help: &'static str,
    /// Column: last change.
    pub field_updated: &'static str,
    /// Column: author.
    pub field_author: &'static str,
    /// Button: show the preview.
    pub preview_button: &'static str,
    /// Button: save.
    pub save_button: &'static str,
    /// Heading of the preview.
    pub preview_heading: &'static str,
    /// The preview is empty.
    pub preview_empty: &'static str,
    /// Shown after saving.
    pub saved: &'static str,
    /// Link to the article as readers see it.
    pub view_article: &'static str,
    /// The editor's list is empty.
    pub no_articles: &'static str,
    /// The editor's list shows only the latest; `{n}`.
    pub list_limited: &'static str,
    /// Above a form with problems.
    pub form_has_problems: &'static str,
    /// Problem: no title.
    pub title_missing: &'static str,
    /// Problem: title too long; `{max}`.
    pub title_too_long: &'static str,
    /// Problem: title on several lines.
    pub title_not_one_line: &'static str,
    /// Problem: no text.
    pub body_missing: &'static str,
    /// Problem: text too long; `{max}`.
    pub body_too_long: &'static str,
    /// Problem: no macro-category.
    pub category_missing: &'static str,
    /// Problem: macro-category too long; `{max}`.
    pub category_too_long: &'static str,
    /// Problem: macro-category on several lines.
    pub category_not_one_line: &'static str,
    /// Problem: unknown visibility.
    pub unknown_visibility: &'static str,
    /// Problem: unknown language.
    pub unknown_language: &'static str,
}

/// Italian.
pub const IT: KbTexts = KbTexts {
    title: "Knowledge base",
    intro: "Articoli su problemi già affrontati: consultali prima di aprire un nuovo ticket, \
            potresti trovare subito la soluzione.",
    search_label: "Cerca un argomento",
    search_placeholder: "es. stampante offline, VPN, Outlook",
    search_button: "Cerca",
    categories_heading: "Macro-categorie",
    article_count_one: "1 articolo",
    article_count_many: "{n} articoli",
    results_heading: "Risultati per «{query}»",
    no_results: "Nessun articolo trovato per «{query}». Prova con altre parole o sfoglia le \
                 macro-categorie.",
    recent_heading: "Aggiornati di recente",
    empty: "La knowledge base non contiene ancora articoli.",
    category_empty: "Nessun articolo in questa macro-categoria.",
    back_to_kb: "Torna alla knowledge base",
    updated_on: "Aggiornato il {date}",
    internal_badge: "Interno",
    internal_note: "Articolo interno: lo vedono solo i tecnici.",
    edit_article: "Modifica",
    language_it: "Italiano",
    language_en: "Inglese",
    suggest_heading: "Articoli che potrebbero aiutarti",

    editor_title: "Articoli della knowledge base",
    new_article: "Nuovo articolo",
    new_title: "Nuovo articolo",
    edit_title: "Modifica: {title}",
    field_title: "Titolo",
    field_category: "Macro-categoria",
    category_help: "Scegline una esistente o scrivine una nuova.",
    field_visibility: "Visibilità",
    visibility_public: "Pubblico: lo vedono tutti, anche senza accedere",
    visibility_internal: "Interno: solo tecnici",
    public_short: "Pubblico",
    field_language: "Lingua",
    field_body: "Testo (Markdown)",
    body_help: "## Titolo di sezione, - elenco puntato, 1. elenco numerato, **grassetto**, \
                `codice`, [collegamento](https://…). L'HTML non sicuro viene rimosso.",
    field_updated: "Aggiornato",
    field_author: "Autore",
    preview_button: "Anteprima",
    save_button: "Salva",
    preview_heading: "Anteprima",
    preview_empty: "Scrivi il testo per vederne l'anteprima.",
    saved: "Articolo salvato.",
    view_article: "Vedi l'articolo",
    no_articles: "Nessun articolo. Scrivi il primo con «Nuovo articolo».",
    list_limited: "Sono mostrati gli ultimi {n} articoli aggiornati: usa la ricerca per gli altri.",
    form_has_problems: "Controlla i campi segnalati, poi salva di nuovo.",
    title_missing: "Scrivi un titolo.",
    title_too_long: "Il titolo può avere al massimo {max} caratteri.",
    title_not_one_line: "Il titolo deve stare su una sola riga.",
    body_missing: "Scrivi il testo dell'articolo.",
    body_too_long: "Il testo è troppo lungo: al massimo {max}.",
    category_missing: "Scegli o scrivi una macro-categoria.",
    category_too_long: "La macro-categoria può avere al massimo {max} caratteri.",
    category_not_one_line: "La macro-categoria deve stare su una sola riga.",
    unknown_visibility: "Scegli se l'articolo è pubblico o interno.",
    unknown_language: "Scegli la lingua dell'articolo: italiano o inglese.",
};

/// English.
pub const EN: KbTexts = KbTexts {
    title: "Knowledge base",
    intro: "Articles about problems we have solved before: have a look before opening a new \
            ticket, the answer may already be here.",
    search_label: "Search a topic",
    search_placeholder: "e.g. printer offline, VPN, Outlook",
    search_button: "Search",
    categories_heading: "Categories",
    article_count_one: "1 article",
    article_count_many: "{n} articles",
    results_heading: "Results for “{query}”",
    no_results: "No article found for “{query}”. Try other words or browse the categories.",
    recent_heading: "Recently updated",
    empty: "The knowledge base has no articles yet.",
    category_empty: "No articles in this category.",
    back_to_kb: "Back to the knowledge base",
    updated_on: "Updated {date}",
    internal_badge: "Internal",
    internal_note: "Internal article: only technicians see it.",
    edit_article: "Edit",
    language_it: "Italian",
    language_en: "English",
    suggest_heading: "Articles that may help",

    editor_title: "Knowledge-base articles",
    new_article: "New article",
    new_title: "New article",
    edit_title: "Edit: {title}",
    field_title: "Title",
    field_category: "Category",
    category_help: "Pick an existing one or type a new one.",
    field_visibility: "Visibility",
    visibility_public: "Public: everyone sees it, even without signing in",
    visibility_internal: "Internal: technicians only",
    public_short: "Public",
    field_language: "Language",
    field_body: "Text (Markdown)",
    body_help: "## Section heading, - bullet list, 1. numbered list, **bold**, `code`, \
                [link](https://…). Unsafe HTML is removed.",
    field_updated: "Updated",
    field_author: "Author",
    preview_button: "Preview",
    save_button: "Save",
    preview_heading: "Preview",
    preview_empty: "Write the text to see its preview.",
    saved: "Article saved.",
    view_article: "View the article",
    no_articles: "No articles. Write the first one with “New article”.",
    list_limited: "Showing the {n} most recently updated articles: search to find the others.",
    form_has_problems: "Check the fields marked below, then save again.",
    title_missing: "Write a title.",
    title_too_long: "The title may have at most {max} characters.",
    title_not_one_line: "The title must fit on one line.",
    body_missing: "Write the article's text.",
    body_too_long: "The text is too long: at most {max}.",
    category_missing: "Pick or type a category.",
    category_too_long: "The category may have at most {max} characters.",
    category_not_one_line: "The category must fit on one line.",
    unknown_visibility: "Choose whether the article is public or internal.",
    unknown_language: "Choose the article's language: Italian or English.",
};
