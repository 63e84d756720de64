//! [`Knowledge`] on SQLite: the `kb_articles` table.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::SqliteStore;
use crate::config::Locale;
use crate::store::StoreError;
use crate::store::knowledge::{
    ArticleDraft, ArticleFilter, ArticleRecord, ArticleSummary, CategoryCount, Knowledge,
    Visibility,
};

const ARTICLE_COLUMNS: &str =
    "id, slug, title, body, category, visibility, language, author, created_at, updated_at";
const SUMMARY_COLUMNS: &str = "id, slug, title, category, visibility, language, author, updated_at";

fn visibility(row: &SqliteRow) -> Result<Visibility, StoreError> {
    let text: String = row.try_get("visibility")?;
    text.parse().map_err(|detail| StoreError::Corrupt {
        table: "kb_articles",
        detail,
    })
}

fn language(row: &SqliteRow) -> Result<Locale, StoreError> {
    let text: String = row.try_get("language")?;
    text.parse().map_err(|detail| StoreError::Corrupt {
        table: "kb_articles",
        detail,
    })
}

fn article_from_row(row: &SqliteRow) -> Result<ArticleRecord, StoreError> {
    Ok(ArticleRecord {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        category: row.try_get("category")?,
        visibility: visibility(row)?,
        language: language(row)?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn summary_from_row(row: &SqliteRow) -> Result<ArticleSummary, StoreError> {
    Ok(ArticleSummary {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        category: row.try_get("category")?,
        visibility: visibility(row)?,
        language: language(row)?,
        author: row.try_get("author")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// `base` if free, else the first free `base-2`, `base-3`… among `taken`.
fn free_slug(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2u64..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| base.to_string())
}

impl Knowledge for SqliteStore {
    async fn all_articles(&self) -> Result<Vec<ArticleRecord>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(article_from_row).collect()
    }

    async fn article(&self, id: i64) -> Result<Option<ArticleRecord>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles WHERE id = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn article_by_slug(&self, slug: &str) -> Result<Option<ArticleRecord>, StoreError> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM kb_articles WHERE slug = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(slug)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn article_summaries(
        &self,
        filter: &ArticleFilter,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM kb_articles
             WHERE (?1 IS NULL OR category = ?1) AND (?2 OR visibility = 'public')
             ORDER BY updated_at DESC, id DESC LIMIT ?3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(filter.category.as_deref())
            .bind(filter.include_internal)
            .bind(filter.limit.map(i64::from).unwrap_or(-1))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn article_categories(
        &self,
        include_internal: bool,
    ) -> Result<Vec<CategoryCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT category, COUNT(*) AS articles FROM kb_articles
             WHERE ?1 OR visibility = 'public'
             GROUP BY category ORDER BY category COLLATE NOCASE",
        )
        .bind(include_internal)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                let articles: i64 = row.try_get("articles")?;
                Ok(CategoryCount {
                    name: row.try_get("category")?,
                    articles: u64::try_from(articles).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn article_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kb_articles")
            .fetch_one(&self.reader)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn insert_article(
        &self,
        draft: &ArticleDraft,
        slug: &str,
        now: i64,
    ) -> Result<ArticleRecord, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        // Slugs that could collide: the base itself and its numbered variants.
        let taken: Vec<String> =
            sqlx::query_scalar("SELECT slug FROM kb_articles WHERE slug = ?1 OR slug LIKE ?2")
                .bind(slug)
                .bind(format!("{}-%", slug.replace(['%', '_'], "")))
                .fetch_all(&mut *tx)
                .await?;
        let slug = free_slug(slug, &taken);
        let sql = format!(
            "INSERT INTO kb_articles
                 (slug, title, body, category, visibility, language, author, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             RETURNING {ARTICLE_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&slug)
            .bind(&draft.title)
            .bind(&draft.body)
            .bind(&draft.category)
            .bind(draft.visibility.as_str())
            .bind(draft.language.as_str())
            .bind(draft.author.as_deref())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let article = article_from_row(&row)?;
        tx.commit().await?;
        Ok(article)
    }

    async fn update_article(
        &self,
        id: i64,
        draft: &ArticleDraft,
        now: i64,
    ) -> Result<Option<ArticleRecord>, StoreError> {
        let sql = format!(
            "UPDATE kb_articles
             SET title = ?2, body = ?3, category = ?4, visibility = ?5, language = ?6,
                 author = ?7, updated_at = MAX(?8, updated_at)
             WHERE id = ?1
             RETURNING {ARTICLE_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(&draft.title)
            .bind(&draft.body)
            .bind(&draft.category)
            .bind(draft.visibility.as_str())
            .bind(draft.language.as_str())
            .bind(draft.author.as_deref())
            .bind(now)
            .fetch_optional(&self.writer)
            .await?;
        row.as_ref().map(article_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, category: &str, visibility: Visibility) -> ArticleDraft {
        ArticleDraft {
            title: title.into(),
            body: format!("Testo di **{title}**."),
            category: category.into(),
            visibility,
            language: Locale::It,
            author: Some("tecnico@example.it".into()),
        }
    }

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("kb.sqlite"), 10000)
            .await
            .expect("open store");
        (dir, store)
    }

    #[test]
    fn a_taken_slug_gets_the_first_free_number() {
        assert_eq!(free_slug("vpn", &[]), "vpn");
        assert_eq!(free_slug("vpn", &["vpn".into()]), "vpn-2");
        assert_eq!(
            free_slug("vpn", &["vpn".into(), "vpn-2".into(), "vpn-4".into()]),
            "vpn-3"
        );
    }

    #[tokio::test]
    async fn articles_round_trip_and_keep_their_address_when_edited() {
        let (_dir, store) = store().await;
        let first = store
            .insert_article(
                &draft("Stampante offline", "Stampanti", Visibility::Public),
                "stampante-offline",
                1_000,
            )
            .await
            .expect("insert");
        let second = store
            .insert_article(
                &draft("Stampante offline", "Stampanti", Visibility::Internal),
                "stampante-offline",
                2_000,
            )
            .await
            .expect("insert");
        assert_eq!(first.slug, "stampante-offline");
        assert_eq!(second.slug, "stampante-offline-2");
        assert_eq!(
            store.article_by_slug("stampante-offline-2").await.unwrap(),
            Some(second.clone())
        );

        let mut edited = draft("Stampante non in linea", "Stampanti", Visibility::Public);
        edited.language = Locale::En;
        let updated = store
            .update_article(first.id, &edited, 3_000)
            .await
            .unwrap()
            .expect("the article exists");
        assert_eq!(updated.slug, "stampante-offline");
        assert_eq!(updated.title, "Stampante non in linea");
        assert_eq!(updated.language, Locale::En);
        assert_eq!(updated.created_at, 1_000);
        assert_eq!(updated.updated_at, 3_000);
        assert_eq!(
            store.update_article(999, &edited, 3_000).await.unwrap(),
            None
        );
        assert_eq!(store.article_count().await.unwrap(), 2);
        assert_eq!(store.all_articles().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn internal_articles_are_listed_and_counted_only_when_asked_for() {
        let (_dir, store) = store().await;
        for (title, category, visibility) in [
            ("VPN da casa", "Rete e VPN", Visibility::Public),
            (
                "Firewall: regole del cliente",
                "Rete e VPN",
                Visibility::Internal,
            ),
            ("Mago4: licenze", "Mago4", Visibility::Internal),
        ] {
            store
                .insert_article(&draft(title, category, visibility), "a", 1)
                .await
                .unwrap();
        }
        let public = store.article_categories(false).await.unwrap();
        assert_eq!(
            public,
            vec![CategoryCount {
                name: "Rete e VPN".into(),
                articles: 1
            }]
        );
        let all = store.article_categories(true).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].articles, 2);

        let listed = store
            .article_summaries(&ArticleFilter {
                category: Some("Rete e VPN".into()),
                include_internal: false,
                limit: None,
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].title, "VPN da casa");
        let staff = store
            .article_summaries(&ArticleFilter {
                include_internal: true,
                limit: Some(2),
                ..ArticleFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(staff.len(), 2);
    }
}
