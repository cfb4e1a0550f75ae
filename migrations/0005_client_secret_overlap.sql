ALTER TABLE "auth_configs" ADD COLUMN "previous_client_secret_enc" text;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD COLUMN "previous_client_secret_last4" text;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD COLUMN "previous_client_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD COLUMN "client_secret_working" text;