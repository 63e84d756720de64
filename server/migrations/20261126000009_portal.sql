-- Issue 5, customer portal: the home page lists a person's or an organisation's tickets by
-- status, most recently active first, and must stay fast with 100k tickets in the database.

-- A customer's own tickets (requester addresses are stored lower-case).
CREATE INDEX tickets_requester_status ON tickets(requester_email, status, updated_at, number);

-- An organisation admin's lists: the organisation's tickets, whatever the spelling of its name.
CREATE INDEX tickets_organisation_status
    ON tickets(organisation COLLATE NOCASE, status, updated_at, number);

-- Tickets where someone was in To/CC (the primary key starts with the ticket).
CREATE INDEX participants_email ON participants(email, ticket);
