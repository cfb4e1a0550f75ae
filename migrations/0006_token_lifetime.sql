ALTER TABLE "connected_accounts" ADD COLUMN "token_lifetime_seconds" integer;--> statement-breakpoint
-- Tokens stored before the lifetime was recorded: derived once from the timestamps of their issue.
UPDATE "connected_accounts"
  SET "token_lifetime_seconds" = GREATEST(0, round(extract(epoch FROM "expires_at" - coalesce("last_refreshed_at", "connected_at"))))::integer
  WHERE "token_lifetime_seconds" IS NULL AND "expires_at" IS NOT NULL
    AND coalesce("last_refreshed_at", "connected_at") IS NOT NULL;
