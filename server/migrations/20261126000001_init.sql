-- ppdesk schema v1. Times are Unix milliseconds (UTC): cheap to compare, no format ambiguity.

CREATE TABLE tickets (
    -- AUTOINCREMENT: a number once given is never given again, even after deletes (T1).
    number          INTEGER PRIMARY KEY AUTOINCREMENT,
    class           TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    category        TEXT,
    priority        TEXT    NOT NULL,
    sector          TEXT    NOT NULL,
    assignee        TEXT,
    requester_email TEXT    NOT NULL,
    requester_name  TEXT,
    organisation    TEXT,
    channel         TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    linked_ticket   INTEGER REFERENCES tickets(number),
    needs_review    INTEGER NOT NULL DEFAULT 0,
    review_reason   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    resolution      TEXT
);
CREATE INDEX tickets_status ON tickets(status, updated_at);
CREATE INDEX tickets_requester ON tickets(requester_email);

-- Everyone who was in To/CC of the ticket's mail: they may keep writing to it (E3).
CREATE TABLE participants (
    ticket  INTEGER NOT NULL REFERENCES tickets(number),
    email   TEXT    NOT NULL,
    PRIMARY KEY (ticket, email)
) WITHOUT ROWID;

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket      INTEGER NOT NULL REFERENCES tickets(number),
    direction   TEXT    NOT NULL,   -- inbound | outbound
    kind        TEXT    NOT NULL,   -- customer | auto_reply | bounce | technician | acknowledgement | reply | notification
    message_id  TEXT,
    from_addr   TEXT    NOT NULL,
    from_name   TEXT,
    to_addrs    TEXT    NOT NULL,   -- JSON array
    cc_addrs    TEXT    NOT NULL,   -- JSON array
    subject     TEXT    NOT NULL,
    text_body   TEXT    NOT NULL,
    html_body   TEXT,
    raw_sha256  TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket, id);

-- Every Message-ID we sent or received, to thread replies by In-Reply-To/References (E3).
CREATE TABLE message_ids (
    message_id  TEXT    PRIMARY KEY,
    ticket      INTEGER NOT NULL REFERENCES tickets(number)
) WITHOUT ROWID;

-- The index maintains itself: one statement per message instead of two on the hot path. The
-- first ticket to claim a Message-ID keeps it, so a mail copied into two tickets (a merge, a
-- forward) still threads to where it started.
CREATE TRIGGER messages_index_message_id AFTER INSERT ON messages
WHEN NEW.message_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO message_ids (message_id, ticket) VALUES (NEW.message_id, NEW.ticket);
END;

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message      INTEGER NOT NULL REFERENCES messages(id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    inline       INTEGER NOT NULL,
    content_id   TEXT,
    -- Set when the file exceeded the size limit: kept in the raw message only.
    omitted      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_message ON attachments(message);

-- Every inbound message taken, whatever became of it: a second delivery is a duplicate (E1).
CREATE TABLE received (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT UNIQUE,
    raw_sha256  TEXT NOT NULL UNIQUE,
    outcome     TEXT NOT NULL,
    ticket      INTEGER REFERENCES tickets(number),
    detail      TEXT,
    received_at INTEGER NOT NULL
);

-- Messages we could not use; the raw bytes are in the blob store under raw_sha256 (E2).
CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY,
    raw_sha256  TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);

-- Durable outbound mail (E5): written in the same transaction as what caused it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    ticket          INTEGER REFERENCES tickets(number),
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    raw             BLOB    NOT NULL,
    status          TEXT    NOT NULL,   -- pending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_recipient ON outbox(recipient, kind, created_at);
