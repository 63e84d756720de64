//! The knowledge-base pages (P5, C3, and the suggestions of P4).
//!
//! Readers (no sign-in needed; internal articles only for technicians and admins, 404 for
//! everyone else, so their addresses are not confirmed):
//! - `GET /kb[?q=…]`: search box, macro-categories with counts, results with snippets (or the
//!   recently updated articles);
//! - `GET /kb/category/{slug}`: one macro-category's articles;
//! - `GET /kb/articles/{slug}`: an article, its Markdown rendered and sanitised;
//! - `GET /kb/suggest?q=…`: up to five articles for a title being typed, as an HTML fragment for
//!   the new-ticket form (empty when none), or JSON with `Accept: application/json`.
//!
//! Technicians and admins (the editor):
//! - `GET /console/kb`: every article, most recently updated first;
//! - `GET|POST /console/kb/new`, `GET|POST /console/kb/{id}/edit`: the Markdown editor. A post
//!   with `action=preview` shows the form again with its preview (works without script);
//!   `action=save` checks and saves, then comes back to the editor with "saved";
//! - `POST /console/kb/preview` (`body`): the rendered HTML alone, for the live preview.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::DateTime;
use ppdesk_shared::api::KbSuggestion;
use serde::Deserialize;

use super::auth::{Reader, StaffViewer, Viewer};
use super::error::WebError;
use super::forms::CsrfForm;
use super::page::{self, Chrome};
use super::texts::{Texts, fill};
use super::{WebState, WebStore};
use crate::config::Locale;
use crate::kb::article::{
    Audience, DraftInput, DraftProblem, MAX_BODY_BYTES, MAX_CATEGORY_CHARS, MAX_TITLE_CHARS,
    check_draft, slugify,
};
use crate::kb::{Hit, KbError, Search, markdown};
use crate::store::knowledge::{ArticleFilter, ArticleRecord, ArticleSummary, Visibility};

/// At most this many results on the search page.
const RESULTS: usize = 30;
/// Recently updated articles on the first page.
const RECENT: u32 = 10;
/// At most this many articles in the editor's list.
const EDITOR_LIST: u32 = 500;

/// The routes.
pub fn routes<S: WebStore>() -> Router<WebState<S>> {
    Router::new()
        .route("/kb", get(home::<S>))
        .route("/kb/category/{category}", get(category::<S>))
        .route("/kb/articles/{slug}", get(article_page::<S>))
        .route("/kb/suggest", get(suggest::<S>))
        .route("/console/kb", get(editor_list::<S>))
        .route("/console/kb/new", get(new_form::<S>).post(create::<S>))
        .route(
            "/console/kb/{id}/edit",
            get(edit_form::<S>).post(update::<S>),
        )
        .route("/console/kb/preview", post(preview))
}

impl From<KbError> for WebError {
    fn from(error: KbError) -> Self {
        WebError::Internal(error.to_string())
    }
}

/// `/kb/articles/<slug>`.
pub fn article_href(slug: &str) -> String {
    format!("/kb/articles/{slug}")
}

/// `/kb/category/<slug of the name>`.
pub fn category_href(name: &str) -> String {
    format!("/kb/category/{}", slugify(name))
}

fn language_name(t: &Texts, language: Locale) -> &'static str {
    match language {
        Locale::It => t.kb.language_it,
        Locale::En => t.kb.language_en,
    }
}

fn date(locale: Locale, tz: chrono_tz::Tz, at_ms: i64) -> String {
    DateTime::from_timestamp_millis(at_ms)
        .map(|at| super::portal::thread::local_time(locale, tz, at))
        .unwrap_or_default()
}

fn count_text(t: &Texts, n: u64) -> String {
    if n == 1 {
        t.kb.article_count_one.to_string()
    } else {
        fill(t.kb.article_count_many, &[("n", &n.to_string())])
    }
}

/// A macro-category as listed.
pub struct CategoryView {
    pub name: String,
    pub href: String,
    pub count: String,
    /// The page shown is this category's.
    pub current: bool,
}

/// A search result as shown.
pub struct HitView {
    pub title: String,
    pub href: String,
    pub category: String,
    pub category_href: String,
    /// Escaped text with the matched words in `<mark>` (safe to insert).
    pub snippet_html: String,
    pub internal: bool,
}

impl HitView {
    fn of(hit: Hit) -> Self {
        Self {
            href: article_href(&hit.slug),
            category_href: category_href(&hit.category),
            title: hit.title,
            category: hit.category,
            snippet_html: hit.snippet_html,
            internal: hit.visibility == Visibility::Internal,
        }
    }
}

/// An article in a list.
pub struct ArticleLink {
    pub title: String,
    pub href: String,
    pub category: String,
    pub updated: String,
    pub internal: bool,
}

impl ArticleLink {
    fn of(summary: &ArticleSummary, locale: Locale, tz: chrono_tz::Tz) -> Self {
        Self {
            title: summary.title.clone(),
            href: article_href(&summary.slug),
            category: summary.category.clone(),
            updated: date(locale, tz, summary.updated_at),
            internal: summary.visibility == Visibility::Internal,
        }
    }
}

async fn categories<S: WebStore>(
    web: &WebState<S>,
    audience: Audience,
    t: &Texts,
    current: Option<&str>,
) -> Result<Vec<CategoryView>, WebError> {
    Ok(web
        .desk
        .store
        .article_categories(audience.includes_internal())
        .await?
        .into_iter()
        .map(|c| CategoryView {
            href: category_href(&c.name),
            count: count_text(t, c.articles),
            current: current == Some(c.name.as_str()),
            name: c.name,
        })
        .collect())
}

/// `/kb`.
#[derive(Template)]
#[template(path = "kb/home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub query: String,
    /// Text of the results' heading (or of "no results").
    pub results_line: String,
    pub searched: bool,
    pub hits: Vec<HitView>,
    pub categories: Vec<CategoryView>,
    pub recent: Vec<ArticleLink>,
}

#[derive(Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: Option<String>,
}

async fn home<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let t = reader.texts();
    let audience = Audience::of_staff(reader.is_staff());
    let query = params.q.unwrap_or_default().trim().to_string();
    let searched = !query.is_empty();
    let hits = if searched {
        web.kb.search(&Search {
            text: &query,
            audience,
            category: None,
            limit: RESULTS,
        })?
    } else {
        Vec::new()
    };
    let recent = if searched {
        Vec::new()
    } else {
        web.desk
            .store
            .article_summaries(&ArticleFilter {
                include_internal: audience.includes_internal(),
                limit: Some(RECENT),
                ..ArticleFilter::default()
            })
            .await?
            .iter()
            .map(|s| ArticleLink::of(s, reader.locale, web.desk.config.sla.timezone.0))
            .collect()
    };
    let results_line = if hits.is_empty() {
        fill(t.kb.no_results, &[("query", &query)])
    } else {
        fill(t.kb.results_heading, &[("query", &query)])
    };
    let page = HomePage {
        chrome: reader.chrome(t.kb.title, "/kb"),
        categories: categories(&web, audience, &t, None).await?,
        query,
        results_line,
        searched,
        hits: hits.into_iter().map(HitView::of).collect(),
        recent,
    };
    Ok(page::render(&page))
}

/// `/kb/category/{slug}`.
#[derive(Template)]
#[template(path = "kb/category.html")]
pub struct CategoryPage {
    pub chrome: Chrome,
    pub name: String,
    pub articles: Vec<ArticleLink>,
    pub categories: Vec<CategoryView>,
}

async fn category<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let t = reader.texts();
    let audience = Audience::of_staff(reader.is_staff());
    let all = categories(&web, audience, &t, None).await?;
    // Categories the reader cannot see any article of do not exist for them.
    let Some(name) = all
        .iter()
        .find(|c| slugify(&c.name) == slug)
        .map(|c| c.name.clone())
    else {
        return Err(WebError::NotFound);
    };
    let articles = web
        .desk
        .store
        .article_summaries(&ArticleFilter {
            category: Some(name.clone()),
            include_internal: audience.includes_internal(),
            limit: None,
        })
        .await?
        .iter()
        .map(|s| ArticleLink::of(s, reader.locale, web.desk.config.sla.timezone.0))
        .collect();
    let path = category_href(&name);
    let page = CategoryPage {
        chrome: reader.chrome(name.clone(), &path),
        categories: all
            .into_iter()
            .map(|c| CategoryView {
                current: c.name == name,
                ..c
            })
            .collect(),
        name,
        articles,
    };
    Ok(page::render(&page))
}

/// `/kb/articles/{slug}`.
#[derive(Template)]
#[template(path = "kb/article.html")]
pub struct ArticlePage {
    pub chrome: Chrome,
    pub title: String,
    pub category: String,
    pub category_href: String,
    pub updated: String,
    pub language: &'static str,
    pub lang_code: &'static str,
    /// Rendered and sanitised Markdown.
    pub body_html: String,
    pub internal: bool,
    /// The editor's address, for staff.
    pub edit_href: Option<String>,
}

async fn article_page<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let audience = Audience::of_staff(reader.is_staff());
    let article = web
        .desk
        .store
        .article_by_slug(&slug)
        .await?
        .filter(|a| audience.may_read(a.visibility))
        .ok_or(WebError::NotFound)?;
    let t = reader.texts();
    let page = ArticlePage {
        chrome: reader.chrome(article.title.clone(), &article_href(&article.slug)),
        category_href: category_href(&article.category),
        updated: fill(
            t.kb.updated_on,
            &[(
                "date",
                &date(
                    reader.locale,
                    web.desk.config.sla.timezone.0,
                    article.updated_at,
                ),
            )],
        ),
        language: language_name(&t, article.language),
        lang_code: article.language.as_str(),
        body_html: markdown::to_html(&article.body),
        internal: article.visibility == Visibility::Internal,
        edit_href: audience
            .includes_internal()
            .then(|| format!("/console/kb/{}/edit", article.id)),
        title: article.title,
        category: article.category,
    };
    Ok(page::render(&page))
}

/// The suggestions fragment (no page frame: it goes inside the new-ticket form's page).
#[derive(Template)]
#[template(path = "kb/suggest.html")]
pub struct SuggestFragment {
    pub t: Texts,
    pub hits: Vec<HitView>,
}

/// Whether the client asked for JSON rather than HTML.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

async fn suggest<S: WebStore>(
    State(web): State<WebState<S>>,
    reader: Reader,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let audience = Audience::of_staff(reader.is_staff());
    // Not trimmed: a trailing space says the last word is finished.
    let text = params.q.unwrap_or_default();
    let hits = web.kb.suggest(&text, audience)?;
    if wants_json(&headers) {
        let list: Vec<KbSuggestion> = hits
            .into_iter()
            .map(|hit| KbSuggestion {
                url: article_href(&hit.slug),
                title: hit.title,
                excerpt: hit.excerpt,
            })
            .collect();
        return Ok(axum::Json(list).into_response());
    }
    let fragment = SuggestFragment {
        t: reader.texts(),
        hits: hits.into_iter().map(HitView::of).collect(),
    };
    match fragment.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// `/console/kb`.
#[derive(Template)]
#[template(path = "kb/editor_list.html")]
pub struct EditorListPage {
    pub chrome: Chrome,
    pub rows: Vec<EditorRow>,
    pub limited: Option<String>,
}

/// One article in the editor's list.
pub struct EditorRow {
    pub title: String,
    pub edit_href: String,
    pub view_href: String,
    pub category: String,
    pub visibility: &'static str,
    pub internal: bool,
    pub language: &'static str,
    pub updated: String,
    pub author: String,
}

async fn editor_list<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
) -> Result<Response, WebError> {
    let t = viewer.texts();
    let summaries = web
        .desk
        .store
        .article_summaries(&ArticleFilter {
            include_internal: true,
            limit: Some(EDITOR_LIST),
            ..ArticleFilter::default()
        })
        .await?;
    let total = web.desk.store.article_count().await?;
    let rows = summaries
        .iter()
        .map(|s| EditorRow {
            title: s.title.clone(),
            edit_href: format!("/console/kb/{}/edit", s.id),
            view_href: article_href(&s.slug),
            category: s.category.clone(),
            visibility: match s.visibility {
                Visibility::Public => t.kb.public_short,
                Visibility::Internal => t.kb.internal_badge,
            },
            internal: s.visibility == Visibility::Internal,
            language: language_name(&t, s.language),
            updated: date(viewer.locale, web.desk.config.sla.timezone.0, s.updated_at),
            author: s.author.clone().unwrap_or_default(),
        })
        .collect();
    let limited = (total > u64::from(EDITOR_LIST))
        .then(|| fill(t.kb.list_limited, &[("n", &EDITOR_LIST.to_string())]));
    let page = EditorListPage {
        chrome: viewer.chrome(t.kb.editor_title, "/console/kb"),
        rows,
        limited,
    };
    Ok(page::render(&page))
}

/// The editor.
#[derive(Template)]
#[template(path = "kb/editor_form.html")]
pub struct EditorPage {
    pub chrome: Chrome,
    pub heading: String,
    /// Where the form posts.
    pub action: String,
    pub form: DraftInput,
    pub problems: Problems,
    /// The rendered preview, after a "preview" post.
    pub preview_html: Option<String>,
    pub saved: bool,
    /// The article as readers see it (existing articles).
    pub view_href: Option<String>,
    /// Existing macro-categories, offered while typing.
    pub categories: Vec<String>,
}

/// The editor's problems, one text per field (None: fine).
#[derive(Default)]
pub struct Problems {
    pub any: bool,
    pub title: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub visibility: Option<String>,
    pub language: Option<String>,
}

fn problem_text(t: &Texts, problem: &DraftProblem) -> String {
    let k = t.kb;
    match problem {
        DraftProblem::TitleMissing => k.title_missing.into(),
        DraftProblem::TitleTooLong => {
            fill(k.title_too_long, &[("max", &MAX_TITLE_CHARS.to_string())])
        }
        DraftProblem::TitleNotOneLine => k.title_not_one_line.into(),
        DraftProblem::BodyMissing => k.body_missing.into(),
        DraftProblem::BodyTooLong => fill(
            k.body_too_long,
            &[(
                "max",
                &crate::config::size::format_size(MAX_BODY_BYTES as u64),
            )],
        ),
        DraftProblem::CategoryMissing => k.category_missing.into(),
        DraftProblem::CategoryTooLong => fill(
            k.category_too_long,
            &[("max", &MAX_CATEGORY_CHARS.to_string())],
        ),
        DraftProblem::CategoryNotOneLine => k.category_not_one_line.into(),
        DraftProblem::UnknownVisibility => k.unknown_visibility.into(),
        DraftProblem::UnknownLanguage => k.unknown_language.into(),
    }
}

impl Problems {
    fn of(t: &Texts, problems: &[DraftProblem]) -> Self {
        let mut out = Problems {
            any: !problems.is_empty(),
            ..Problems::default()
        };
        for problem in problems {
            let slot = match problem.field() {
                "title" => &mut out.title,
                "body" => &mut out.body,
                "category" => &mut out.category,
                "visibility" => &mut out.visibility,
                _ => &mut out.language,
            };
            if slot.is_none() {
                *slot = Some(problem_text(t, problem));
            }
        }
        out
    }
}

/// The editor's form as posted: the draft plus which button was pressed.
#[derive(Deserialize, Default)]
struct EditorForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    language: String,
    /// `preview` or `save` (the default: Enter in a field saves).
    #[serde(default)]
    action: String,
}

impl EditorForm {
    fn input(&self) -> DraftInput {
        DraftInput {
            title: self.title.clone(),
            body: self.body.clone(),
            category: self.category.clone(),
            visibility: self.visibility.clone(),
            language: self.language.clone(),
        }
    }
}

fn staff(viewer: Viewer) -> Result<Viewer, WebError> {
    if viewer.user.role.is_staff() {
        Ok(viewer)
    } else {
        Err(WebError::Forbidden)
    }
}

/// The article id in an editor address; anything else is no article (404, not 400).
fn article_id(text: &str) -> Result<i64, WebError> {
    text.parse::<i64>().map_err(|_| WebError::NotFound)
}

fn input_of(article: &ArticleRecord) -> DraftInput {
    DraftInput {
        title: article.title.clone(),
        body: article.body.clone(),
        category: article.category.clone(),
        visibility: article.visibility.as_str().into(),
        language: article.language.as_str().into(),
    }
}

/// Which article the editor is on: a new one, or an existing one.
#[derive(Clone)]
enum Editing {
    New,
    Existing {
        id: i64,
        title: String,
        slug: String,
    },
}

async fn editor_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    editing: &Editing,
    form: DraftInput,
    problems: Problems,
    preview_html: Option<String>,
    saved: bool,
) -> Result<EditorPage, WebError> {
    let t = viewer.texts();
    let (heading, action, view_href) = match editing {
        Editing::New => (
            t.kb.new_title.to_string(),
            "/console/kb/new".to_string(),
            None,
        ),
        Editing::Existing { id, title, slug } => (
            fill(t.kb.edit_title, &[("title", title)]),
            format!("/console/kb/{id}/edit"),
            Some(article_href(slug)),
        ),
    };
    let categories = web
        .desk
        .store
        .article_categories(true)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    Ok(EditorPage {
        chrome: viewer.chrome(heading.clone(), &action),
        heading,
        action,
        form,
        problems,
        preview_html,
        saved,
        view_href,
        categories,
    })
}

async fn new_form<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
) -> Result<Response, WebError> {
    let form = DraftInput {
        visibility: Visibility::Public.as_str().into(),
        language: viewer.locale.as_str().into(),
        ..DraftInput::default()
    };
    let page = editor_page(
        &web,
        &viewer,
        &Editing::New,
        form,
        Problems::default(),
        None,
        false,
    )
    .await?;
    Ok(page::render(&page))
}

#[derive(Deserialize, Default)]
struct SavedParam {
    #[serde(default)]
    saved: Option<String>,
}

async fn edit_form<S: WebStore>(
    State(web): State<WebState<S>>,
    StaffViewer(viewer): StaffViewer,
    Path(id): Path<String>,
    Query(params): Query<SavedParam>,
) -> Result<Response, WebError> {
    let id = article_id(&id)?;
    let article = web
        .desk
        .store
        .article(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let editing = Editing::Existing {
        id,
        title: article.title.clone(),
        slug: article.slug.clone(),
    };
    let page = editor_page(
        &web,
        &viewer,
        &editing,
        input_of(&article),
        Problems::default(),
        None,
        params.saved.is_some(),
    )
    .await?;
    Ok(page::render(&page))
}

/// A posted editor form: preview, or check and save.
async fn submit<S: WebStore>(
    web: &WebState<S>,
    viewer: Viewer,
    editing: Editing,
    form: EditorForm,
) -> Result<Response, WebError> {
    let input = form.input();
    if form.action == "preview" {
        let preview = markdown::to_html(&input.body);
        let page = editor_page(
            web,
            &viewer,
            &editing,
            input,
            Problems::default(),
            Some(preview),
            false,
        )
        .await?;
        return Ok(page::render(&page));
    }
    let author = Some(viewer.user.display_name().to_string());
    let draft = match check_draft(&input, author) {
        Ok(draft) => draft,
        Err(problems) => {
            let problems = Problems::of(&viewer.texts(), &problems);
            let page = editor_page(web, &viewer, &editing, input, problems, None, false).await?;
            return Ok(page::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            ));
        }
    };
    let now = web.desk.now_ms();
    let saved = match editing {
        Editing::New => web.kb.create(&web.desk.store, &draft, now).await?,
        Editing::Existing { id, .. } => web
            .kb
            .update(&web.desk.store, id, &draft, now)
            .await?
            .ok_or(WebError::NotFound)?,
    };
    tracing::info!(
        article = saved.id,
        slug = %saved.slug,
        editor = %viewer.user.email,
        "knowledge-base article saved"
    );
    Ok(Redirect::to(&format!("/console/kb/{}/edit?saved=1", saved.id)).into_response())
}

async fn create<S: WebStore>(
    State(web): State<WebState<S>>,
    CsrfForm(viewer, form): CsrfForm<EditorForm>,
) -> Result<Response, WebError> {
    let viewer = staff(viewer)?;
    submit(&web, viewer, Editing::New, form).await
}

async fn update<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(id): Path<String>,
    CsrfForm(viewer, form): CsrfForm<EditorForm>,
) -> Result<Response, WebError> {
    let viewer = staff(viewer)?;
    let id = article_id(&id)?;
    let article = web
        .desk
        .store
        .article(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let editing = Editing::Existing {
        id,
        title: article.title,
        slug: article.slug,
    };
    submit(&web, viewer, editing, form).await
}

#[derive(Deserialize, Default)]
struct PreviewForm {
    #[serde(default)]
    body: String,
}

async fn preview(CsrfForm(viewer, form): CsrfForm<PreviewForm>) -> Result<Response, WebError> {
    staff(viewer)?;
    Ok(Html(markdown::to_html(&form.body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::texts::texts;

    fn hit(title: &str, snippet_html: &str) -> HitView {
        HitView {
            title: title.into(),
            href: article_href(&slugify(title)),
            category: "Stampanti".into(),
            category_href: category_href("Stampanti"),
            snippet_html: snippet_html.into(),
            internal: false,
        }
    }

    #[test]
    fn json_is_answered_only_when_asked_for_without_html() {
        let mut headers = HeaderMap::new();
        assert!(!wants_json(&headers));
        headers.insert(header::ACCEPT, "application/json".parse().unwrap());
        assert!(wants_json(&headers));
        headers.insert(
            header::ACCEPT,
            "text/html,application/json;q=0.9".parse().unwrap(),
        );
        assert!(!wants_json(&headers));
    }

    #[test]
    fn the_suggestions_fragment_escapes_titles_and_keeps_marked_snippets() {
        let fragment = SuggestFragment {
            t: texts(Locale::It),
            hits: vec![hit(
                "<script>alert(1)</script> Stampante",
                "la <mark>stampante</mark> &lt;b&gt;",
            )],
        };
        let html = fragment.render().unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("alert(1)"),
            "the title is shown, escaped: {html}"
        );
        assert!(html.contains("<mark>stampante</mark>"), "{html}");
        assert!(html.contains(r#"id="kb-suggest-list""#), "{html}");
        assert!(html.contains("href=\"/kb/articles/script-alert-1-script-stampante\""));
        let empty = SuggestFragment {
            t: texts(Locale::It),
            hits: vec![],
        };
        assert_eq!(empty.render().unwrap().trim(), "");
    }

    #[test]
    fn every_draft_problem_has_a_text_in_both_languages() {
        for locale in [Locale::It, Locale::En] {
            let t = texts(locale);
            let problems = Problems::of(
                &t,
                &[
                    DraftProblem::TitleTooLong,
                    DraftProblem::BodyTooLong,
                    DraftProblem::CategoryMissing,
                    DraftProblem::UnknownVisibility,
                    DraftProblem::UnknownLanguage,
                ],
            );
            assert!(problems.any);
            assert!(
                problems
                    .title
                    .unwrap()
                    .contains(&MAX_TITLE_CHARS.to_string())
            );
            assert!(!problems.body.unwrap().contains('{'));
            assert!(problems.category.is_some());
            assert!(problems.visibility.is_some());
            assert!(problems.language.is_some());
        }
    }

    #[test]
    fn article_and_category_addresses_are_slugs() {
        assert_eq!(article_href("vpn-da-casa"), "/kb/articles/vpn-da-casa");
        assert_eq!(category_href("Rete e VPN"), "/kb/category/rete-e-vpn");
    }
}
