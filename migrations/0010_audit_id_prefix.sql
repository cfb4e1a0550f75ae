-- Audit rows get their own id prefix (au_), apart from events (ev_), so the events routes cannot
-- be handed an audit id. Existing rows are renamed in place; ids keep their time order.
UPDATE "audit_events" SET "id" = 'au_' || substr("id", 4) WHERE "id" LIKE 'ev\_%';
