ALTER TABLE "auth_configs" ALTER COLUMN "client_secret_last4" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "actor_role" text;--> statement-breakpoint
-- Tails were kept for every secret, which showed short secrets whole. Which ones were short cannot
-- be told from here, so every stored tail goes; a config shows one again once its secret rotates.
UPDATE "auth_configs" SET "client_secret_last4" = NULL, "previous_client_secret_last4" = NULL;
