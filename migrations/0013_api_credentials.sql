ALTER TABLE "auth_configs" ALTER COLUMN "client_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_configs" ALTER COLUMN "client_secret_enc" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_configs" ADD COLUMN "auth_scheme" text DEFAULT 'oauth2_3lo' NOT NULL;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "auth_scheme" text DEFAULT 'oauth2_3lo' NOT NULL;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "api_token_enc" text;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "api_site_url" text;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "credential_expiring_notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "last_checked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "connected_accounts_check_due_idx" ON "connected_accounts" USING btree ("next_check_at") WHERE status = 'ACTIVE' and next_check_at is not null;--> statement-breakpoint
-- Existing configs and accounts read 'oauth2_3lo' (the default above). Only an api_token config
-- may lack a client; the database refuses anything else, whatever the code does.
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_auth_scheme_check"
  CHECK ("auth_scheme" IN ('oauth2_3lo', 'client_credentials', 'api_token'));--> statement-breakpoint
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_client_check"
  CHECK ("auth_scheme" = 'api_token' OR ("client_id" IS NOT NULL AND "client_secret_enc" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_scheme_check"
  CHECK ("auth_scheme" IN ('oauth2_3lo', 'client_credentials', 'api_token'));--> statement-breakpoint
-- A replaced API token is something the token path answers with: announce it like a token write.
DROP TRIGGER cv_notify_account_update ON connected_accounts;--> statement-breakpoint
CREATE TRIGGER cv_notify_account_update AFTER UPDATE ON connected_accounts
  FOR EACH ROW WHEN (
    OLD.generation IS DISTINCT FROM NEW.generation
    OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.status_reason IS DISTINCT FROM NEW.status_reason
    OR OLD.access_token_enc IS DISTINCT FROM NEW.access_token_enc
    OR OLD.api_token_enc IS DISTINCT FROM NEW.api_token_enc
    OR OLD.api_site_url IS DISTINCT FROM NEW.api_site_url
    OR OLD.selected_cloud_id IS DISTINCT FROM NEW.selected_cloud_id
    OR OLD.sites IS DISTINCT FROM NEW.sites
    OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
    OR OLD.granted_scopes IS DISTINCT FROM NEW.granted_scopes
    OR OLD.user_id IS DISTINCT FROM NEW.user_id
  ) EXECUTE FUNCTION cv_notify_account();
