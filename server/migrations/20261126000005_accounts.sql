-- Issue 5: web sign-in. Users with a role, sessions, one-time password-reset links.

-- People who sign in to the web pages. `email` is kept lower-case (and compared without case);
-- `organisation` is an organisation's name as tickets.organisation holds it (config or database
-- organisation), NULL for staff. `role`: customer | org_admin | technician | admin.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name           TEXT,
    role           TEXT    NOT NULL,
    organisation   TEXT,
    password_hash  TEXT    NOT NULL,   -- Argon2id PHC string
    locale         TEXT,               -- 'it' | 'en' | NULL: from the browser / helpdesk default
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);
CREATE INDEX users_organisation ON users(organisation);

-- Signed-in browsers. The cookie holds 32 random bytes; only their SHA-256 is stored, so a copy
-- of the database signs nobody in. `csrf` is the token every form of the session carries.
CREATE TABLE sessions (
    token_sha256  TEXT    PRIMARY KEY,
    user          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- "Forgot your password?" links: stored by the SHA-256 of the token in the link, usable once
-- (`used_at`), until `expires_at`.
CREATE TABLE password_resets (
    token_sha256  TEXT    PRIMARY KEY,
    user          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
) WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets(user);
