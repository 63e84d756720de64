//! What the knowledge base keeps: articles written in Markdown, each public (everyone) or
//! internal (technicians and admins), in Italian or English, under one macro-category.
//!
//! The search index (`crate::kb`) is built from these rows; the rows are the truth.

use std::fmt;
use std::future::Future;

use crate::config::Locale;

use super::StoreError;

/// Who may read an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone, signed in or not.
    Public,
    /// Technicians and admins only.
    Internal,
}

impl Visibility {
    /// As stored and as posted by the editor form (`public`, `internal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }
}

impl std::str::FromStr for Visibility {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "public" => Ok(Visibility::Public),
            "internal" => Ok(Visibility::Internal),
            other => Err(format!("unknown visibility {other:?} (public or internal)")),
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleRecord {
    pub id: i64,
    /// Its address: `/kb/articles/<slug>`. Fixed at creation.
    pub slug: String,
    pub title: String,
    /// Markdown source.
    pub body: String,
    /// The macro-category it is listed under.
    pub category: String,
    pub visibility: Visibility,
    pub language: Locale,
    /// Who wrote or last edited it; None for seeded articles.
    pub author: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// An article in a list: everything but the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub category: String,
    pub visibility: Visibility,
    pub language: Locale,
    pub author: Option<String>,
    /// Unix ms.
    pub updated_at: i64,
}

/// What an editor writes: a new article, or the new content of an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    pub title: String,
    /// Markdown source.
    pub body: String,
    pub category: String,
    pub visibility: Visibility,
    pub language: Locale,
    /// The editor (name or address).
    pub author: Option<String>,
}

/// Which articles a list shows.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Only this macro-category (exact name).
    pub category: Option<String>,
    /// Internal articles too (staff only).
    pub include_internal: bool,
    /// At most this many (None: all).
    pub limit: Option<u32>,
}

/// A macro-category with how many articles it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    pub name: String,
    pub articles: u64,
}

/// The knowledge base's storage.
pub trait Knowledge: Send + Sync + 'static {
    /// Every article, by id: what the search index is built from.
    fn all_articles(&self) -> impl Future<Output = Result<Vec<ArticleRecord>, StoreError>> + Send;
    /// The article with this id.
    fn article(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<ArticleRecord>, StoreError>> + Send;
    /// The article at this address.
    fn article_by_slug(
        &self,
        slug: &str,
    ) -> impl Future<Output = Result<Option<ArticleRecord>, StoreError>> + Send;
    /// Articles matching the filter, most recently updated first.
    fn article_summaries(
        &self,
        filter: &ArticleFilter,
    ) -> impl Future<Output = Result<Vec<ArticleSummary>, StoreError>> + Send;
    /// Every macro-category with its article count, by name; public articles only unless
    /// `include_internal`.
    fn article_categories(
        &self,
        include_internal: bool,
    ) -> impl Future<Output = Result<Vec<CategoryCount>, StoreError>> + Send;
    /// How many articles there are, public and internal.
    fn article_count(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Stores a new article at the address `slug`, or `slug-2`, `slug-3`… when that one is
    /// taken; returns it as stored.
    fn insert_article(
        &self,
        draft: &ArticleDraft,
        slug: &str,
        now: i64,
    ) -> impl Future<Output = Result<ArticleRecord, StoreError>> + Send;
    /// Replaces an article's content (its address stays); None when there is no such article.
    fn update_article(
        &self,
        id: i64,
        draft: &ArticleDraft,
        now: i64,
    ) -> impl Future<Output = Result<Option<ArticleRecord>, StoreError>> + Send;
}
