-- Message bodies are indexed for the console's search after the ingest transaction, not in it.
--
-- Indexing a message in FTS5 cost ~80 µs of CPU, a fifth of what ingesting a new ticket costs
-- and a third of a reply's (BENCHMARKS.md): the mail intake was paying for the console's search.
-- Now an inserted message only queues its id (one row in a small table); `serve` indexes the
-- queue in batches a moment later, and a search first indexes whatever is still queued, so a
-- search never misses a message that was already stored.
--
-- A queued message is not in the index yet: updating or deleting it must not send FTS5 a
-- 'delete' for it (on an external-content table that corrupts the index); it just leaves the
-- queue, or stays in it to be indexed with its new text.

CREATE TABLE messages_fts_queue (id INTEGER PRIMARY KEY);

DROP TRIGGER messages_fts_insert;
CREATE TRIGGER messages_fts_enqueue AFTER INSERT ON messages
WHEN NEW.kind IN ('customer', 'technician', 'reply', 'note')
BEGIN
    INSERT INTO messages_fts_queue (id) VALUES (NEW.id);
END;

DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text_body, kind ON messages
WHEN NOT EXISTS (SELECT 1 FROM messages_fts_queue WHERE id = OLD.id)
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text_body)
        SELECT 'delete', OLD.id, OLD.text_body
        WHERE OLD.kind IN ('customer', 'technician', 'reply', 'note');
    INSERT INTO messages_fts (rowid, text_body)
        SELECT NEW.id, NEW.text_body
        WHERE NEW.kind IN ('customer', 'technician', 'reply', 'note');
END;

DROP TRIGGER messages_fts_delete;
-- One trigger, statements in this order: the queue is looked at before the row leaves it.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text_body)
        SELECT 'delete', OLD.id, OLD.text_body
        WHERE OLD.kind IN ('customer', 'technician', 'reply', 'note')
            AND NOT EXISTS (SELECT 1 FROM messages_fts_queue WHERE id = OLD.id);
    DELETE FROM messages_fts_queue WHERE id = OLD.id;
END;
