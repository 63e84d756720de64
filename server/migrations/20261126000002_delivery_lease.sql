-- Delivery lease (E5): before a mail is handed to a transport where a second delivery is not
-- harmless (an SMTP relay), its row is claimed in one short write: status 'sending' and
-- lease_until = now + the transport's longest possible send. The 250 is recorded right after
-- the relay gives it. A row still 'sending' after its lease ran out belongs to a process that
-- died mid-send and is taken again; until then no other process (a second server, the MTA pipe's
-- `ingest`) may send it. status is now: pending | sending | sent | failed.
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
