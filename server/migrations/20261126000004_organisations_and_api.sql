-- Issue 4: organisations kept in the database, API tokens, and tickets opened through the API.

-- Organisations created with `ppdesk-server org create`. The config's [[organisations]] are NOT
-- copied here: every lookup asks the config first and then this table, so editing the config
-- and restarting is still all it takes to change or remove a config organisation.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    class       TEXT,                -- NULL: tickets.default_class
    locale      TEXT,                -- 'it' | 'en' | NULL: helpdesk.default_locale
    created_at  INTEGER NOT NULL
);

-- A mail domain belongs to one organisation only (the primary key says so).
CREATE TABLE organisation_domains (
    domain        TEXT    PRIMARY KEY,   -- lower-case, no leading '@'
    organisation  INTEGER NOT NULL REFERENCES organisations(id)
) WITHOUT ROWID;
CREATE INDEX organisation_domains_organisation ON organisation_domains(organisation);

-- Bearer tokens of the HTTP API, one organisation each. Only the SHA-256 of the token is kept:
-- a token is 32 random bytes, so a fast hash is enough (nothing to brute-force), and a stolen
-- database holds no usable token. `organisation` is the name, of a config or a database
-- organisation; a token whose organisation no longer exists authenticates nobody.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    organisation  TEXT    NOT NULL,
    label         TEXT,
    sha256        TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_organisation ON api_tokens(organisation);

-- Tickets opened through POST /api/v1/tickets: the client's submission id (a repeat answers
-- with the same ticket), the machine facts the agent sent, and whether the contact's mail
-- domain is outside the token's organisation.
CREATE TABLE submissions (
    ticket                        INTEGER PRIMARY KEY REFERENCES tickets(number),
    organisation                  TEXT    NOT NULL,
    submission_id                 TEXT,
    machine                       TEXT,      -- JSON, ppdesk_shared::api::MachineFacts
    contact_outside_organisation  INTEGER NOT NULL DEFAULT 0,
    created_at                    INTEGER NOT NULL
);
CREATE UNIQUE INDEX submissions_id ON submissions(organisation, submission_id)
    WHERE submission_id IS NOT NULL;

-- "My tickets": one organisation's tickets of one requester, newest first.
CREATE INDEX tickets_organisation_requester ON tickets(organisation, requester_email, created_at);
