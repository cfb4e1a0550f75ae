ALTER TABLE "connected_accounts" ADD COLUMN "next_refresh_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "last_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "refresh_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "last_error_code" text;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "last_error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "connected_accounts_due_idx" ON "connected_accounts" USING btree ("next_refresh_at") WHERE status = 'ACTIVE';