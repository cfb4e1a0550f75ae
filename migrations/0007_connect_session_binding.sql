ALTER TABLE "connect_sessions" ADD COLUMN "auth_config_id" text;--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD COLUMN "binding_hash" text;