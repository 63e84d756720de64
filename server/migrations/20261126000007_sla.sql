-- Issue 5, T6: contractual response times (SLA). Times are Unix milliseconds (UTC).
--
-- Due times are computed once, in business time (server/src/sla/), when a ticket is opened, and
-- again when its priority changes. The "at risk" instants are kept beside them because the
-- business calendar cannot be evaluated in SQL.
ALTER TABLE tickets ADD COLUMN response_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN response_risk_at INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_risk_at INTEGER;
-- The first technician reply (mailed from the console or CLI, or written by staff by mail).
ALTER TABLE tickets ADD COLUMN first_response_at INTEGER;

-- When the ticket breaches (or breached) its SLA: the response due time while there is no first
-- reply or the reply was late, else the resolution due time. Same as sla::breach_at.
ALTER TABLE tickets ADD COLUMN sla_breach_at INTEGER GENERATED ALWAYS AS (
    CASE WHEN first_response_at IS NOT NULL AND first_response_at <= response_due_at
         THEN resolution_due_at
         ELSE MIN(response_due_at, resolution_due_at)
    END
) VIRTUAL;

-- When the ticket becomes at risk, never after sla_breach_at. Same as sla::risk_at.
ALTER TABLE tickets ADD COLUMN sla_risk_at INTEGER GENERATED ALWAYS AS (
    MIN(
        CASE WHEN first_response_at IS NULL
             THEN MIN(response_risk_at, resolution_risk_at)
             ELSE resolution_risk_at
        END,
        CASE WHEN first_response_at IS NOT NULL AND first_response_at <= response_due_at
             THEN resolution_due_at
             ELSE MIN(response_due_at, resolution_due_at)
        END
    )
) VIRTUAL;

-- Open tickets by urgency: the few tickets at risk, and "most urgent first" (sla::sql).
CREATE INDEX tickets_sla_open ON tickets(sla_breach_at, sla_risk_at)
    WHERE status IN ('waiting_on_support', 'waiting_on_customer');
CREATE INDEX tickets_sla_open_sector ON tickets(sector, sla_breach_at)
    WHERE status IN ('waiting_on_support', 'waiting_on_customer');

-- Tickets still without due times, for the backfill below (empty once it ran).
CREATE INDEX tickets_without_sla ON tickets(number) WHERE response_due_at IS NULL;

-- Existing tickets: their first technician reply is in the thread. Their due times need the
-- business calendar of the config, so the server computes them (Desk::backfill_sla_due_times);
-- until then they have no SLA.
UPDATE tickets SET first_response_at = (
    SELECT MIN(m.created_at) FROM messages m
    WHERE m.ticket = tickets.number
      AND ((m.direction = 'outbound' AND m.kind = 'reply')
        OR (m.direction = 'inbound' AND m.kind = 'technician'))
);
