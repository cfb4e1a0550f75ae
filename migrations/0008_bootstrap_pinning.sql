CREATE TABLE "vault_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_key_tombstones" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"role" text NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "bootstrap" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Existing installations: the first start's tenant is the oldest one named "default", and keys
-- named by the bootstrap code were provisioned from VAULT_BOOTSTRAP_*_KEY.
INSERT INTO "vault_settings" ("key", "value")
  SELECT 'default_tenant_id', "id" FROM "tenants" WHERE "name" = 'default' ORDER BY "id" LIMIT 1;--> statement-breakpoint
UPDATE "api_keys" SET "bootstrap" = true WHERE "name" IN ('bootstrap operator', 'bootstrap admin');
