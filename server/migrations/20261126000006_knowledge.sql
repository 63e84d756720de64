-- Knowledge base: articles written in Markdown by technicians. The search index (tantivy, in
-- RAM) is rebuilt from this table at start and updated on every edit; this table is the truth.
CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The article's address (/kb/articles/<slug>); chosen at creation, kept when the title
    -- changes so links stay valid.
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    -- Markdown source; rendered (and sanitised) when shown.
    body        TEXT NOT NULL,
    -- Macro-category the article is listed under (free text, e.g. "Stampanti").
    category    TEXT NOT NULL,
    -- 'public': everyone, signed in or not; 'internal': technicians and admins only.
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    language    TEXT NOT NULL CHECK (language IN ('it', 'en')),
    -- Who wrote or last edited it (name or address), None for seeded articles.
    author      TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX kb_articles_by_category ON kb_articles (category, visibility, updated_at DESC);
CREATE INDEX kb_articles_by_update ON kb_articles (updated_at DESC, id DESC);
