ALTER TABLE "auth_configs" ADD COLUMN "refresh_policy" text DEFAULT 'on_use' NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD COLUMN "refresh_paused_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_refresh_policy_check" CHECK ("auth_configs"."refresh_policy" in ('on_use', 'always'));