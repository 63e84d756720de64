-- Where each inbound message came from (stdin, file:…, lmtp, imap:<mailbox>:<uidvalidity>:<uid>),
-- written in the same transaction as its ticket: the IMAP intake finds here which UIDs it
-- already committed when a crash came between the commit and moving the message.
ALTER TABLE received ADD COLUMN source TEXT;
CREATE INDEX received_source ON received(source);
