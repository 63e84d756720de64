//! [`Administration`] on SQLite.

use sqlx::Row;

use super::SqliteStore;
use crate::store::StoreError;
use crate::store::admin::Administration;

impl Administration for SqliteStore {
    async fn update_organisation(
        &self,
        name: &str,
        domains: &[String],
        class: Option<&str>,
        locale: Option<&str>,
    ) -> Result<bool, StoreError> {
        // IMMEDIATE: the domains of every organisation cannot change between our delete and
        // insert (a domain's primary key would refuse a taken one anyway).
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(row) = sqlx::query("SELECT id FROM organisations WHERE name = ?1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE organisations SET class = ?2, locale = ?3 WHERE id = ?1")
            .bind(id)
            .bind(class)
            .bind(locale)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM organisation_domains WHERE organisation = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for domain in domains {
            sqlx::query("INSERT INTO organisation_domains (domain, organisation) VALUES (?1, ?2)")
                .bind(domain)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
