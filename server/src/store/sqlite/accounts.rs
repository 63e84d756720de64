//! [`Accounts`] on SQLite: writes through the single writer connection, reads on the reader pool.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::SqliteStore;
use crate::config::Locale;
use crate::store::StoreError;
use crate::store::accounts::{
    Accounts, NewSession, NewUser, SessionRecord, UserChange, UserInsert, UserListing, UserRecord,
};

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.organisation, u.locale, u.active";

fn user_from_row(row: &SqliteRow) -> Result<UserRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let locale: Option<String> = row.try_get("locale")?;
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|detail| StoreError::Corrupt {
            table: "users",
            detail,
        })?,
        organisation: row.try_get("organisation")?,
        // An unknown language is not worth refusing a sign-in over: the default applies.
        locale: locale.and_then(|l| l.parse::<Locale>().ok()),
        active: row.try_get("active")?,
    })
}

fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl Accounts for SqliteStore {
    async fn insert_user(&self, user: &NewUser) -> Result<UserInsert, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO users (email, name, role, organisation, password_hash, locale, active, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)",
        )
        .bind(&user.email)
        .bind(user.name.as_deref())
        .bind(user.role.as_str())
        .bind(user.organisation.as_deref())
        .bind(&user.password_hash)
        .bind(user.locale.map(Locale::as_str))
        .bind(user.created_at)
        .execute(&self.writer)
        .await;
        match inserted {
            Ok(done) => Ok(UserInsert::Created(done.last_insert_rowid())),
            Err(e) if is_unique_violation(&e) => Ok(UserInsert::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }

    async fn user(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"
        )))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = ?1"
        )))
        .bind(crate::accounts::normalise_email(email))
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn credentials(&self, email: &str) -> Result<Option<(UserRecord, String)>, StoreError> {
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?1"
        )))
        .bind(crate::accounts::normalise_email(email))
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn users(&self) -> Result<Vec<UserListing>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, u.created_at,
                    (SELECT max(s.last_seen_at) FROM sessions s WHERE s.user = u.id) AS last_seen_at
             FROM users u ORDER BY u.email"
        )))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(UserListing {
                    user: user_from_row(row)?,
                    created_at: row.try_get("created_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                })
            })
            .collect()
    }

    async fn change_user(&self, id: i64, change: &UserChange) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE users SET name = ?2, role = ?3, organisation = ?4, active = ?5 WHERE id = ?1",
        )
        .bind(id)
        .bind(change.name.as_deref())
        .bind(change.role.as_str())
        .bind(change.organisation.as_deref())
        .bind(change.active)
        .execute(&mut *tx)
        .await?;
        if !change.active {
            sqlx::query("DELETE FROM sessions WHERE user = ?1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_user_locale(&self, id: i64, locale: Option<Locale>) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET locale = ?2 WHERE id = ?1")
            .bind(id)
            .bind(locale.map(Locale::as_str))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query("UPDATE users SET password_hash = ?2 WHERE id = ?1")
            .bind(id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_session(&self, session: &NewSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, user, csrf, created_at, expires_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        )
        .bind(&session.token_sha256)
        .bind(session.user)
        .bind(&session.csrf)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.expires_at, s.last_seen_at
             FROM sessions s JOIN users u ON u.id = s.user
             WHERE s.token_sha256 = ?1 AND s.expires_at > ?2 AND u.active = 1"
        )))
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                user: user_from_row(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            })
        })
        .transpose()
    }

    async fn touch_session(
        &self,
        token_sha256: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = ?2, expires_at = max(expires_at, ?3)
             WHERE token_sha256 = ?1",
        )
        .bind(token_sha256)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = ?1")
            .bind(token_sha256)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn purge_expired(&self, now: i64) -> Result<u64, StoreError> {
        let mut tx = self.writer.begin().await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let resets = sqlx::query("DELETE FROM password_resets WHERE expires_at <= ?1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(sessions.rows_affected() + resets.rows_affected())
    }

    async fn insert_password_reset(
        &self,
        token_sha256: &str,
        user: i64,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO password_resets (token_sha256, user, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(token_sha256)
        .bind(user)
        .bind(created_at)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn password_resets_since(&self, user: i64, since: i64) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_resets WHERE user = ?1 AND created_at >= ?2",
        )
        .bind(user)
        .bind(since)
        .fetch_one(&self.reader)
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn password_reset_user(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS} FROM password_resets r JOIN users u ON u.id = r.user
             WHERE r.token_sha256 = ?1 AND r.used_at IS NULL AND r.expires_at > ?2
               AND u.active = 1"
        )))
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn reset_password(
        &self,
        token_sha256: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        // BEGIN IMMEDIATE: the check and the use happen under the write lock, so two posts of the
        // same link cannot both succeed.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS} FROM password_resets r JOIN users u ON u.id = r.user
             WHERE r.token_sha256 = ?1 AND r.used_at IS NULL AND r.expires_at > ?2
               AND u.active = 1"
        )))
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = row.as_ref().map(user_from_row).transpose()? else {
            return Ok(None);
        };
        sqlx::query("UPDATE password_resets SET used_at = ?2 WHERE token_sha256 = ?1")
            .bind(token_sha256)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE password_resets SET used_at = ?2 WHERE user = ?1 AND used_at IS NULL")
            .bind(user.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET password_hash = ?2 WHERE id = ?1")
            .bind(user.id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user = ?1")
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("t.db"), 10_000)
            .await
            .expect("open");
        (dir, store)
    }

    fn new_user(email: &str) -> NewUser {
        NewUser {
            email: email.into(),
            name: Some("Mario".into()),
            role: Role::Customer,
            organisation: Some("ACME".into()),
            locale: Some(Locale::En),
            password_hash: "hash-1".into(),
            created_at: 1,
        }
    }

    #[tokio::test]
    async fn addresses_are_unique_without_case() {
        let (_dir, store) = store().await;
        let UserInsert::Created(id) = store.insert_user(&new_user("mario@acme.it")).await.unwrap()
        else {
            panic!("not created")
        };
        assert_eq!(
            store.insert_user(&new_user("MARIO@acme.it")).await.unwrap(),
            UserInsert::EmailTaken
        );
        let found = store
            .user_by_email(" Mario@ACME.it ")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, found.locale), (id, Some(Locale::En)));
        let (_, hash) = store.credentials("mario@acme.it").await.unwrap().unwrap();
        assert_eq!(hash, "hash-1");
    }

    #[tokio::test]
    async fn sessions_expire_and_end_with_deactivation_and_new_passwords() {
        let (_dir, store) = store().await;
        let UserInsert::Created(id) = store.insert_user(&new_user("mario@acme.it")).await.unwrap()
        else {
            panic!("not created")
        };
        let session = |token: &str| NewSession {
            token_sha256: token.into(),
            user: id,
            csrf: "c".into(),
            created_at: 100,
            expires_at: 200,
        };
        store.insert_session(&session("s1")).await.unwrap();
        assert!(store.session("s1", 150).await.unwrap().is_some());
        assert!(store.session("s1", 200).await.unwrap().is_none(), "expired");
        store.touch_session("s1", 150, 500).await.unwrap();
        let live = store.session("s1", 300).await.unwrap().unwrap();
        assert_eq!((live.last_seen_at, live.expires_at), (150, 500));
        // A new password ends every session.
        assert!(store.set_password_hash(id, "hash-2").await.unwrap());
        assert!(store.session("s1", 300).await.unwrap().is_none());
        // Deactivation too, and a deactivated user's sessions are not found even if left.
        store.insert_session(&session("s2")).await.unwrap();
        let change = UserChange {
            name: None,
            role: Role::Customer,
            organisation: None,
            active: false,
        };
        assert!(store.change_user(id, &change).await.unwrap());
        assert!(store.session("s2", 150).await.unwrap().is_none());
        assert!(!store.change_user(999, &change).await.unwrap());
        store.insert_session(&session("s3")).await.unwrap();
        assert!(store.session("s3", 150).await.unwrap().is_none());
        assert_eq!(store.purge_expired(1_000).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_reset_link_works_once_and_before_it_expires() {
        let (_dir, store) = store().await;
        let UserInsert::Created(id) = store.insert_user(&new_user("mario@acme.it")).await.unwrap()
        else {
            panic!("not created")
        };
        store
            .insert_password_reset("r1", id, 0, 1_000)
            .await
            .unwrap();
        store
            .insert_password_reset("r2", id, 0, 1_000)
            .await
            .unwrap();
        store.insert_password_reset("old", id, 0, 10).await.unwrap();
        assert!(
            store
                .password_reset_user("old", 10)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .reset_password("old", "h", 10)
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.password_reset_user("r1", 5).await.unwrap().is_some());
        let user = store.reset_password("r1", "hash-new", 5).await.unwrap();
        assert_eq!(user.map(|u| u.id), Some(id));
        let (_, hash) = store.credentials("mario@acme.it").await.unwrap().unwrap();
        assert_eq!(hash, "hash-new");
        // Used up, and so is every other link of the user.
        assert!(
            store
                .reset_password("r1", "again", 6)
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.password_reset_user("r2", 6).await.unwrap().is_none());
    }
}
