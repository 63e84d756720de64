//! The knowledge base (P5, C3): articles in Markdown under macro-categories, public or internal,
//! Italian or English; a search engine with stemming for both languages and suggestions while a
//! ticket's title is typed (P4).
//!
//! - [`article`]: who may read what, addresses (slugs), what a valid draft is.
//! - [`markdown`]: Markdown → sanitised HTML, and → plain text for the index.
//! - [`analysis`], [`query`], [`index`]: the search engine (tantivy, in RAM).
//! - [`demo`]: the articles `serve --demo` starts with.
//!
//! The database is the truth; [`KnowledgeBase`] keeps the index in step with it: built from
//! every article at start, updated inside each edit.

pub mod analysis;
pub mod article;
pub mod demo;
pub mod index;
pub mod markdown;
pub mod query;

use std::time::{Duration, Instant};

use crate::store::StoreError;
use crate::store::knowledge::{ArticleDraft, ArticleRecord, Knowledge};

pub use article::Audience;
pub use index::{Hit, IndexError, Search};

/// How many suggestions a ticket form or the agent gets.
pub const SUGGESTIONS: usize = 5;

/// Why a knowledge-base operation failed.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("building the knowledge-base index stopped: {0}")]
    Build(String),
}

/// The articles' search index, kept in step with the database.
pub struct KnowledgeBase {
    index: index::KbIndex,
    /// Held across "write the database, then the index", so two edits of one article reach
    /// the index in the order they reached the database.
    edits: tokio::sync::Mutex<()>,
    built_in: Duration,
}

impl KnowledgeBase {
    /// Builds the index from every article in the store.
    pub async fn open<K: Knowledge>(store: &K) -> Result<Self, KbError> {
        let articles = store.all_articles().await?;
        Self::from_articles(articles).await
    }

    /// Builds the index from these articles (off the async threads: 10k articles take a while).
    pub async fn from_articles(articles: Vec<ArticleRecord>) -> Result<Self, KbError> {
        let count = articles.len();
        let started = Instant::now();
        let index = tokio::task::spawn_blocking(move || index::KbIndex::build(&articles))
            .await
            .map_err(|e| KbError::Build(e.to_string()))??;
        let built_in = started.elapsed();
        tracing::info!(
            articles = count,
            ms = built_in.as_millis() as u64,
            "knowledge-base index built"
        );
        Ok(Self {
            index,
            edits: tokio::sync::Mutex::new(()),
            built_in,
        })
    }

    /// How long building the index at start took.
    pub fn built_in(&self) -> Duration {
        self.built_in
    }

    /// How many articles are searchable.
    pub fn len(&self) -> u64 {
        self.index.len()
    }

    /// True when no article is searchable.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The best articles for a query that `search.audience` may read, best first.
    pub fn search(&self, search: &Search<'_>) -> Result<Vec<Hit>, KbError> {
        Ok(self.index.search(search)?)
    }

    /// Up to [`SUGGESTIONS`] articles for a title being typed.
    pub fn suggest(&self, text: &str, audience: Audience) -> Result<Vec<Hit>, KbError> {
        self.search(&Search {
            text,
            audience,
            category: None,
            limit: SUGGESTIONS,
        })
    }

    /// Stores a new article (its address made from the title) and makes it searchable.
    pub async fn create<K: Knowledge>(
        &self,
        store: &K,
        draft: &ArticleDraft,
        now: i64,
    ) -> Result<ArticleRecord, KbError> {
        let _edit = self.edits.lock().await;
        let article = store
            .insert_article(draft, &article::slugify(&draft.title), now)
            .await?;
        self.index.upsert(&article)?;
        Ok(article)
    }

    /// Replaces an article's content and re-indexes it; None when there is no such article.
    pub async fn update<K: Knowledge>(
        &self,
        store: &K,
        id: i64,
        draft: &ArticleDraft,
        now: i64,
    ) -> Result<Option<ArticleRecord>, KbError> {
        let _edit = self.edits.lock().await;
        let Some(article) = store.update_article(id, draft, now).await? else {
            return Ok(None);
        };
        self.index.upsert(&article)?;
        Ok(Some(article))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Locale;
    use crate::store::knowledge::Visibility;
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn the_index_follows_the_database_from_start_through_edits() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("kb.sqlite"), 10000)
            .await
            .unwrap();
        let seeded = demo::seed_demo_articles(&store, 1_000).await.unwrap();
        assert!(seeded >= 6);
        let kb = KnowledgeBase::open(&store).await.unwrap();
        assert_eq!(kb.len(), seeded as u64);
        assert!(!kb.suggest("stamp", Audience::Public).unwrap().is_empty());

        let draft = ArticleDraft {
            title: "Tastiera che non risponde".into(),
            body: "Controlla il cavo USB della tastiera.".into(),
            category: "Hardware".into(),
            visibility: Visibility::Public,
            language: Locale::It,
            author: Some("tecnico@example.it".into()),
        };
        let created = kb.create(&store, &draft, 2_000).await.unwrap();
        assert_eq!(created.slug, "tastiera-che-non-risponde");
        let found = kb.suggest("tastier", Audience::Public).unwrap();
        assert_eq!(found.first().map(|h| h.id), Some(created.id));

        let internal = ArticleDraft {
            visibility: Visibility::Internal,
            ..draft.clone()
        };
        kb.update(&store, created.id, &internal, 3_000)
            .await
            .unwrap()
            .expect("exists");
        assert!(
            kb.suggest("tastier", Audience::Public)
                .unwrap()
                .iter()
                .all(|h| h.id != created.id)
        );
        assert_eq!(
            kb.suggest("tastier", Audience::Staff)
                .unwrap()
                .first()
                .map(|h| h.id),
            Some(created.id)
        );
        assert!(
            kb.update(&store, 9999, &draft, 4_000)
                .await
                .unwrap()
                .is_none()
        );

        // A restart builds the same index from the database.
        let again = KnowledgeBase::open(&store).await.unwrap();
        assert_eq!(again.len(), kb.len());
    }
}
