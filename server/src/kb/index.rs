//! The knowledge base's search index: tantivy, in RAM, built from every article at start and
//! updated on each edit.
//!
//! **Languages.** Each article is indexed through the analyzer of its own language (`title_it`
//! / `body_it` for Italian articles, `title_en` / `body_en` for English ones): Italian stop
//! words and stems never pollute English articles and the other way round, and the index is
//! half the size of "everything through both". Nobody declares the language of a query, so the
//! query goes through both analyzers, each against its own fields: "stampanti" finds Italian
//! articles about "stampante", "printers" finds English ones about "printer".
//!
//! **Typing.** Every article's words are also indexed as typed (`title_plain` / `body_plain`:
//! lower-case, accents folded, no stemming). The last word of a query still being typed is a
//! prefix ("stamp" → "stampante"); it and finished words of five letters or more also match
//! words one typo away ("stmapante", "stampnte"). Those are expanded against the term
//! dictionary (at most [`MAX_EXPANSIONS`] words each, the most frequent first) into ordinary
//! scored terms, so they rank like the words they stand for and are highlighted in snippets.
//!
//! **Ranking.** BM25 over the union of all those terms; title matches count [`TITLE_BOOST`]
//! times, typo matches half. Readers who are not staff get a filter on public articles.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::config::Locale;
use crate::store::knowledge::{ArticleRecord, Visibility};

use super::analysis;
use super::article::Audience;
use super::markdown;
use super::query::{self, QueryWord};

/// How much more a word in the title counts than one in the body.
pub const TITLE_BOOST: f32 = 3.0;
/// How much a word one typo away counts, relative to the word itself.
const TYPO_WEIGHT: f32 = 0.5;
/// At most this many dictionary words stand for one prefix or misspelt word.
pub const MAX_EXPANSIONS: usize = 24;
/// Finished words shorter than this are not matched with a typo (too many near neighbours).
const MIN_TYPO_WORD: usize = 5;
/// Prefixes this long or longer also match with one typo.
const MIN_TYPO_PREFIX: usize = 5;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 180;
/// Memory per thread for building the index at start (tantivy's minimum is 15 MB).
const BULK_WRITER_MEMORY_PER_THREAD: usize = 32_000_000;
/// Memory of the writer that applies edits (tantivy's minimum).
const EDIT_WRITER_MEMORY: usize = 15_000_000;

/// The index failed: a bug or resource exhaustion, never the reader's input.
#[derive(Debug, thiserror::Error)]
#[error("knowledge-base index: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: String,
    pub language: Locale,
    pub visibility: Visibility,
    /// A fragment of the body around the matched words, HTML-escaped, the words in `<mark>`.
    pub snippet_html: String,
    /// The same fragment as plain text (or the body's start when no body word matched).
    pub excerpt: String,
    pub score: f32,
}

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub struct Search<'a> {
    /// As typed in a search box.
    pub text: &'a str,
    pub audience: Audience,
    /// Only this macro-category (exact name).
    pub category: Option<&'a str>,
    pub limit: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    public: Field,
    category: Field,
    slug: Field,
    title: Field,
    text: Field,
    language: Field,
    title_it: Field,
    body_it: Field,
    title_en: Field,
    body_en: Field,
    title_plain: Field,
    body_plain: Field,
}

impl Fields {
    fn stemmed(&self, locale: Locale) -> (Field, Field) {
        match locale {
            Locale::It => (self.title_it, self.body_it),
            Locale::En => (self.title_en, self.body_en),
        }
    }
}

fn searchable(analyzer: &str) -> TextOptions {
    // Frequencies for BM25; no positions: there are no phrase queries.
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED),
        public: builder.add_u64_field("public", INDEXED | STORED),
        category: builder.add_text_field("category", STRING | STORED),
        slug: builder.add_text_field("slug", STORED),
        title: builder.add_text_field("title", STORED),
        text: builder.add_text_field("text", STORED),
        language: builder.add_text_field("language", STORED),
        title_it: builder.add_text_field("title_it", searchable(analysis::ITALIAN)),
        body_it: builder.add_text_field("body_it", searchable(analysis::ITALIAN)),
        title_en: builder.add_text_field("title_en", searchable(analysis::ENGLISH)),
        body_en: builder.add_text_field("body_en", searchable(analysis::ENGLISH)),
        title_plain: builder.add_text_field("title_plain", searchable(analysis::PLAIN)),
        body_plain: builder.add_text_field("body_plain", searchable(analysis::PLAIN)),
    };
    (builder.build(), fields)
}

/// The analyzers a search uses, built once (stop-word sets are not free to build).
struct Analyzers {
    italian: TextAnalyzer,
    english: TextAnalyzer,
}

impl Analyzers {
    fn new() -> Self {
        Self {
            italian: analysis::stemmed(Locale::It),
            english: analysis::stemmed(Locale::En),
        }
    }

    fn stemmed(&self, locale: Locale) -> TextAnalyzer {
        match locale {
            Locale::It => self.italian.clone(),
            Locale::En => self.english.clone(),
        }
    }
}

/// The search index.
pub struct KbIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    analyzers: Analyzers,
}

fn article_id(id: i64) -> u64 {
    // Article ids are SQLite rowids: positive.
    u64::try_from(id).unwrap_or(0)
}

impl KbIndex {
    /// An index of these articles.
    pub fn build(articles: &[ArticleRecord]) -> Result<Self, IndexError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let tokenizers = index.tokenizers();
        tokenizers.register(analysis::ITALIAN, analysis::stemmed(Locale::It));
        tokenizers.register(analysis::ENGLISH, analysis::stemmed(Locale::En));
        tokenizers.register(analysis::PLAIN, analysis::plain());
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let mut bulk: IndexWriter =
            index.writer_with_num_threads(threads, BULK_WRITER_MEMORY_PER_THREAD * threads)?;
        for article in articles {
            bulk.add_document(document(&fields, article))?;
        }
        bulk.commit()?;
        // Merges the commit started finish now, not while readers search; the threads and
        // memory of the bulk load go with it. Edits, one article at a time, need little.
        bulk.wait_merging_threads()?;
        let writer: IndexWriter = index.writer_with_num_threads(1, EDIT_WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            analyzers: Analyzers::new(),
        })
    }

    /// How many articles the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the writer leaves it usable: tantivy rolls back uncommitted
        // work on the next commit's error, and the database stays the truth.
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts the article's current content in the index (replacing what was there for its id);
    /// searches see it when this returns.
    pub fn upsert(&self, article: &ArticleRecord) -> Result<(), IndexError> {
        let mut writer = self.writer();
        writer.delete_term(Term::from_field_u64(self.fields.id, article_id(article.id)));
        writer.add_document(document(&self.fields, article))?;
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Takes an article out of the index.
    pub fn remove(&self, id: i64) -> Result<(), IndexError> {
        let mut writer = self.writer();
        writer.delete_term(Term::from_field_u64(self.fields.id, article_id(id)));
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The best articles for a query, best first; nothing for a query without words.
    pub fn search(&self, search: &Search<'_>) -> Result<Vec<Hit>, IndexError> {
        let words = query::words(search.text);
        if words.is_empty() || search.limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The words to highlight in snippets, as typed or as expanded.
        let mut highlight: Vec<String> = Vec::new();

        // Finished words (and the last one, should it be finished) through each stemmer.
        let finished: String = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for locale in [Locale::It, Locale::En] {
            let (title, body) = self.fields.stemmed(locale);
            let mut analyzer = self.analyzers.stemmed(locale);
            let mut seen = Vec::new();
            for stem in analysis::terms(&mut analyzer, &finished) {
                if seen.contains(&stem) {
                    continue;
                }
                should.push(term_clause(title, &stem, TITLE_BOOST));
                should.push(term_clause(body, &stem, 1.0));
                seen.push(stem);
            }
        }
        for word in &words {
            highlight.push(word.text.clone());
            if self.is_stop_word(&word.text) && word.text.len() <= 3 {
                continue;
            }
            for (field, boost) in [
                (self.fields.title_plain, TITLE_BOOST),
                (self.fields.body_plain, 1.0),
            ] {
                for (term, weight) in expand(&searcher, field, word)? {
                    should.push(term_clause(field, &term, boost * weight));
                    if !highlight.contains(&term) {
                        highlight.push(term);
                    }
                }
            }
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }

        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        if !search.audience.includes_internal() {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.public, 1),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(category) = search.category {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.category, category),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(search.limit).order_by_score())?;

        let snippets = SnippetMakers::new(&self.analyzers, &highlight, self.fields.text);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, score, &snippets));
        }
        Ok(hits)
    }

    fn is_stop_word(&self, word: &str) -> bool {
        [Locale::It, Locale::En]
            .into_iter()
            .any(|locale| analysis::terms(&mut self.analyzers.stemmed(locale), word).is_empty())
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, snippets: &SnippetMakers) -> Hit {
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let language = text_of(self.fields.language).parse().unwrap_or(Locale::It);
        let text = text_of(self.fields.text);
        let mut snippet = snippets.for_language(language).snippet(&text);
        let (snippet_html, excerpt) = if snippet.is_empty() {
            let start = markdown::excerpt(&text, SNIPPET_CHARS);
            (escape(&start), start)
        } else {
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            (flatten(&snippet.to_html()), flatten(snippet.fragment()))
        };
        Hit {
            id: doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_u64())
                .and_then(|id| i64::try_from(id).ok())
                .unwrap_or_default(),
            slug: text_of(self.fields.slug),
            title: text_of(self.fields.title),
            category: text_of(self.fields.category),
            language,
            visibility: if doc.get_first(self.fields.public).and_then(|v| v.as_u64()) == Some(1) {
                Visibility::Public
            } else {
                Visibility::Internal
            },
            snippet_html,
            excerpt,
            score,
        }
    }

    /// The underlying tantivy index (for diagnostics and benchmarks).
    pub fn tantivy(&self) -> &Index {
        &self.index
    }
}

fn term_clause(field: Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let query = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    (
        Occur::Should,
        Box::new(BoostQuery::new(Box::new(query), boost)),
    )
}

/// The dictionary words of `field` a query word stands for, with their weight: for a prefix,
/// every word it begins (and with one typo when long enough); for a finished word, the words one
/// typo away. At most [`MAX_EXPANSIONS`], exact prefixes first, then the most frequent.
fn expand(
    searcher: &Searcher,
    field: Field,
    word: &QueryWord,
) -> Result<Vec<(String, f32)>, IndexError> {
    let length = word.text.chars().count();
    let automaton = if word.prefix {
        if length < 2 {
            return Ok(Vec::new());
        }
        let distance = if length >= MIN_TYPO_PREFIX { 1 } else { 0 };
        FuzzyTermQuery::new_prefix(Term::from_field_text(field, &word.text), distance, true)
    } else {
        if length < MIN_TYPO_WORD {
            return Ok(Vec::new());
        }
        FuzzyTermQuery::new(Term::from_field_text(field, &word.text), 1, true)
    };
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let dictionary = inverted.terms();
        let mut stream = dictionary
            .search(automaton.automaton()?)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            *found.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut ranked: Vec<(String, f32, u64)> = found
        .into_iter()
        .filter(|(term, _)| word.prefix || *term != word.text)
        .map(|(term, freq)| {
            let exact = word.prefix && term.starts_with(&word.text);
            let weight = if exact { 1.0 } else { TYPO_WEIGHT };
            (term, weight, freq)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.cmp(&a.2))
            .then_with(|| a.0.cmp(&b.0))
    });
    ranked.truncate(MAX_EXPANSIONS);
    Ok(ranked.into_iter().map(|(t, w, _)| (t, w)).collect())
}

/// Snippet generators for Italian and English articles: the highlighted words go through the
/// article's own stemmer, so "stampanti" highlights "stampante".
struct SnippetMakers {
    italian: SnippetGenerator,
    english: SnippetGenerator,
}

impl SnippetMakers {
    fn new(analyzers: &Analyzers, words: &[String], text: Field) -> Self {
        let make = |locale: Locale| {
            let mut analyzer = analyzers.stemmed(locale);
            let mut terms: BTreeMap<String, f32> = BTreeMap::new();
            for word in words {
                for stem in analysis::terms(&mut analyzer, word) {
                    terms.insert(stem, 1.0);
                }
            }
            SnippetGenerator::new(terms, analyzers.stemmed(locale), text, SNIPPET_CHARS)
        };
        Self {
            italian: make(Locale::It),
            english: make(Locale::En),
        }
    }

    fn for_language(&self, locale: Locale) -> &SnippetGenerator {
        match locale {
            Locale::It => &self.italian,
            Locale::En => &self.english,
        }
    }
}

/// One line: snippets cut across paragraphs.
fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn document(fields: &Fields, article: &ArticleRecord) -> TantivyDocument {
    let text = markdown::to_plain_text(&article.body);
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.id, article_id(article.id));
    doc.add_u64(
        fields.public,
        u64::from(article.visibility == Visibility::Public),
    );
    doc.add_text(fields.category, &article.category);
    doc.add_text(fields.slug, &article.slug);
    doc.add_text(fields.title, &article.title);
    doc.add_text(fields.language, article.language.as_str());
    let (title, body) = fields.stemmed(article.language);
    doc.add_text(title, &article.title);
    doc.add_text(body, &text);
    doc.add_text(fields.title_plain, &article.title);
    doc.add_text(fields.body_plain, &text);
    doc.add_text(fields.text, text);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(
        id: i64,
        title: &str,
        body: &str,
        visibility: Visibility,
        language: Locale,
    ) -> ArticleRecord {
        ArticleRecord {
            id,
            slug: super::super::article::slugify(title),
            title: title.into(),
            body: body.into(),
            category: if title.contains("VPN") {
                "Rete e VPN".into()
            } else {
                "Stampanti".into()
            },
            visibility,
            language,
            author: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn sample() -> Vec<ArticleRecord> {
        vec![
            article(
                1,
                "La stampante è offline",
                "Se la stampante risulta **non in linea**, riavvia lo spooler di stampa.",
                Visibility::Public,
                Locale::It,
            ),
            article(
                2,
                "Configurare la VPN da casa",
                "Installa il client VPN e inserisci le credenziali aziendali.",
                Visibility::Public,
                Locale::It,
            ),
            article(
                3,
                "Printer shows paper jam",
                "Open the rear tray of the printers and remove the jammed sheet.",
                Visibility::Public,
                Locale::En,
            ),
            article(
                4,
                "Stampanti di rete: password del pannello",
                "La password di amministrazione delle stampanti è nel vault, voce Kyocera.",
                Visibility::Internal,
                Locale::It,
            ),
        ]
    }

    fn ids(index: &KbIndex, text: &str, audience: Audience) -> Vec<i64> {
        index
            .search(&Search {
                text,
                audience,
                category: None,
                limit: 10,
            })
            .expect("search")
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    #[test]
    fn italian_stemming_finds_singular_from_plural_and_back() {
        let index = KbIndex::build(&sample()).unwrap();
        // "stampanti " (finished word) finds the article about "stampante".
        assert!(ids(&index, "stampanti ", Audience::Public).contains(&1));
        // and "stampante " finds staff's article titled "Stampanti".
        assert!(ids(&index, "stampante ", Audience::Staff).contains(&4));
    }

    #[test]
    fn english_stemming_finds_singular_from_plural_and_back() {
        let index = KbIndex::build(&sample()).unwrap();
        assert_eq!(ids(&index, "printers ", Audience::Public), vec![3]);
        assert_eq!(ids(&index, "printer jams ", Audience::Public), vec![3]);
    }

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        let index = KbIndex::build(&sample()).unwrap();
        assert_eq!(ids(&index, "stamp", Audience::Public).first(), Some(&1));
        assert_eq!(ids(&index, "configur", Audience::Public), vec![2]);
        assert_eq!(ids(&index, "vp", Audience::Public), vec![2]);
        // Finished, "spoo" is no word of any article.
        assert_eq!(ids(&index, "spoo ", Audience::Public), Vec::<i64>::new());
        assert_eq!(ids(&index, "spoo", Audience::Public), vec![1]);
    }

    #[test]
    fn one_typo_is_forgiven() {
        let index = KbIndex::build(&sample()).unwrap();
        assert_eq!(
            ids(&index, "stmapante ", Audience::Public).first(),
            Some(&1)
        );
        assert_eq!(ids(&index, "credenzali", Audience::Public), vec![2]);
    }

    #[test]
    fn titles_weigh_more_than_bodies() {
        let index = KbIndex::build(&[
            article(
                1,
                "Driver",
                "Problemi con la stampante.",
                Visibility::Public,
                Locale::It,
            ),
            article(
                2,
                "Stampante",
                "Problemi con il driver.",
                Visibility::Public,
                Locale::It,
            ),
        ])
        .unwrap();
        assert_eq!(ids(&index, "stampante", Audience::Public), vec![2, 1]);
    }

    #[test]
    fn internal_articles_are_never_found_by_the_public() {
        let index = KbIndex::build(&sample()).unwrap();
        for text in [
            "password",
            "kyocera",
            "stampanti",
            "pannello",
            "vault",
            "amministr",
        ] {
            assert!(
                !ids(&index, text, Audience::Public).contains(&4),
                "{text} found an internal article for the public"
            );
        }
        assert!(ids(&index, "kyocera", Audience::Staff).contains(&4));
    }

    #[test]
    fn snippets_highlight_matched_words_and_escape_the_rest() {
        let index = KbIndex::build(&[article(
            1,
            "Spooler",
            "Prima controlla che 1 < 2 & 3 > 2. Se le stampanti non rispondono, riavvia lo \
             spooler.",
            Visibility::Public,
            Locale::It,
        )])
        .unwrap();
        let hits = index
            .search(&Search {
                text: "stampante",
                audience: Audience::Public,
                category: None,
                limit: 5,
            })
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].snippet_html.contains("<mark>stampanti</mark>"),
            "{}",
            hits[0].snippet_html
        );
        assert!(
            hits[0].snippet_html.contains("1 &lt; 2 &amp; 3 &gt; 2"),
            "{}",
            hits[0].snippet_html
        );
        assert!(hits[0].excerpt.contains("stampanti non rispondono"));
    }

    #[test]
    fn edits_and_removals_show_at_once() {
        let index = KbIndex::build(&sample()).unwrap();
        let mut changed = sample()[1].clone();
        changed.title = "Configurare il firewall".into();
        changed.body = "Apri le porte del firewall.".into();
        index.upsert(&changed).unwrap();
        assert_eq!(ids(&index, "vpn", Audience::Public), Vec::<i64>::new());
        assert_eq!(ids(&index, "firewall", Audience::Public), vec![2]);
        let mut hidden = changed.clone();
        hidden.visibility = Visibility::Internal;
        index.upsert(&hidden).unwrap();
        assert_eq!(ids(&index, "firewall", Audience::Public), Vec::<i64>::new());
        assert_eq!(ids(&index, "firewall", Audience::Staff), vec![2]);
        index.remove(2).unwrap();
        assert_eq!(ids(&index, "firewall", Audience::Staff), Vec::<i64>::new());
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn queries_without_words_find_nothing() {
        let index = KbIndex::build(&sample()).unwrap();
        assert!(ids(&index, "", Audience::Staff).is_empty());
        assert!(ids(&index, " ?! ", Audience::Staff).is_empty());
        assert!(ids(&index, "la ", Audience::Staff).is_empty());
    }

    #[test]
    fn a_category_filter_keeps_only_its_articles() {
        let index = KbIndex::build(&sample()).unwrap();
        let hits = index
            .search(&Search {
                text: "stampante vpn",
                audience: Audience::Public,
                category: Some("Rete e VPN"),
                limit: 10,
            })
            .unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    }
}
