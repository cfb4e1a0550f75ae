ALTER TABLE "audit_events" ADD COLUMN "count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_created_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
-- Issuance rows written one per request before this version that share a millisecond are folded
-- into one (their count kept), so that the unique index below can exist.
UPDATE "audit_events" a SET "count" = d.n FROM (
  SELECT min("id") AS id, count(*) AS n FROM "audit_events" WHERE "action" = 'token.issued'
  GROUP BY "tenant_id", "actor_key_id", "resource_id", "created_at" HAVING count(*) > 1
) d WHERE a."id" = d.id;--> statement-breakpoint
DELETE FROM "audit_events" a USING "audit_events" b
  WHERE a."action" = 'token.issued' AND b."action" = 'token.issued' AND a."id" > b."id"
    AND a."tenant_id" IS NOT DISTINCT FROM b."tenant_id" AND a."actor_key_id" IS NOT DISTINCT FROM b."actor_key_id"
    AND a."resource_id" IS NOT DISTINCT FROM b."resource_id" AND a."created_at" = b."created_at";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_issuance_idx" ON "audit_events" USING btree ("tenant_id","actor_key_id","resource_id","created_at") WHERE action = 'token.issued';