ALTER TABLE "connected_accounts" ADD COLUMN "revived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "check_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The scheme CHECKs of 0013 were written by hand; they are declared in the drizzle schema now
-- (from the provider and scheme registries), so that adding a name regenerates them.
ALTER TABLE "auth_configs" DROP CONSTRAINT "auth_configs_auth_scheme_check";--> statement-breakpoint
ALTER TABLE "auth_configs" DROP CONSTRAINT "auth_configs_client_check";--> statement-breakpoint
ALTER TABLE "connected_accounts" DROP CONSTRAINT "connected_accounts_auth_scheme_check";--> statement-breakpoint
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_provider_check" CHECK ("auth_configs"."provider" in ('atlassian', 'oauth2'));--> statement-breakpoint
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_auth_scheme_check" CHECK ("auth_configs"."auth_scheme" in ('oauth2_3lo', 'client_credentials', 'api_token'));--> statement-breakpoint
ALTER TABLE "auth_configs" ADD CONSTRAINT "auth_configs_client_check" CHECK ("auth_configs"."auth_scheme" in ('api_token') or ("auth_configs"."client_id" is not null and "auth_configs"."client_secret_enc" is not null));--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_scheme_check" CHECK ("connected_accounts"."auth_scheme" in ('oauth2_3lo', 'client_credentials', 'api_token'));--> statement-breakpoint
-- Checks of API tokens counted their failures in refresh_failures; they have their own counter now.
UPDATE "connected_accounts" SET "check_failures" = "refresh_failures", "refresh_failures" = 0
  WHERE "auth_scheme" = 'api_token';--> statement-breakpoint
-- A revival was recognised by its error code; it is recorded now. Accounts a new secret revived
-- that have not obtained a token since keep their promised connected_account.active.
UPDATE "connected_accounts" SET "revived_at" = "updated_at"
  WHERE "auth_scheme" = 'client_credentials' AND "status" = 'ACTIVE'
    AND "last_error_code" = 'client_credentials_invalid';--> statement-breakpoint
-- The token read returns token_type and token_lifetime_seconds, and whether a refresh token is
-- held: the trigger watches them too (a test compares this list with the read's columns).
DROP TRIGGER cv_notify_account_update ON connected_accounts;--> statement-breakpoint
CREATE TRIGGER cv_notify_account_update AFTER UPDATE ON connected_accounts
  FOR EACH ROW WHEN (
    OLD.generation IS DISTINCT FROM NEW.generation
    OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.status_reason IS DISTINCT FROM NEW.status_reason
    OR OLD.access_token_enc IS DISTINCT FROM NEW.access_token_enc
    OR OLD.refresh_token_enc IS DISTINCT FROM NEW.refresh_token_enc
    OR OLD.api_token_enc IS DISTINCT FROM NEW.api_token_enc
    OR OLD.api_site_url IS DISTINCT FROM NEW.api_site_url
    OR OLD.token_type IS DISTINCT FROM NEW.token_type
    OR OLD.token_lifetime_seconds IS DISTINCT FROM NEW.token_lifetime_seconds
    OR OLD.selected_cloud_id IS DISTINCT FROM NEW.selected_cloud_id
    OR OLD.sites IS DISTINCT FROM NEW.sites
    OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
    OR OLD.granted_scopes IS DISTINCT FROM NEW.granted_scopes
    OR OLD.user_id IS DISTINCT FROM NEW.user_id
  ) EXECUTE FUNCTION cv_notify_account();
