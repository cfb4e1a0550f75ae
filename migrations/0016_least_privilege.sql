CREATE TABLE "trusted_issuers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"issuer" text NOT NULL,
	"jwks_uri" text,
	"jwks" jsonb,
	"audience" text[] NOT NULL,
	"algorithms" text[] NOT NULL,
	"clock_skew_seconds" integer DEFAULT 60 NOT NULL,
	"user_claim" text DEFAULT 'sub' NOT NULL,
	"user_id_template" text DEFAULT '{claim}' NOT NULL,
	"required_claims" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"auth_config_ids" text[],
	"policy" jsonb,
	"status" text DEFAULT 'enabled' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_budgets" (
	"tenant_id" text NOT NULL,
	"holder" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"used" integer NOT NULL,
	CONSTRAINT "request_budgets_tenant_id_holder_pk" PRIMARY KEY("tenant_id","holder")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "policy" jsonb;--> statement-breakpoint
ALTER TABLE "trusted_issuers" ADD CONSTRAINT "trusted_issuers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_budgets" ADD CONSTRAINT "request_budgets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trusted_issuers_tenant_kind_issuer_idx" ON "trusted_issuers" USING btree ("tenant_id","kind","issuer");--> statement-breakpoint
CREATE INDEX "trusted_issuers_tenant_idx" ON "trusted_issuers" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "trusted_issuers_issuer_idx" ON "trusted_issuers" USING btree ("issuer");--> statement-breakpoint
-- Issuers are on the token exchange's and the proxy tokens' path: each replica caches them, and
-- drops what an announced change touches (as for keys, migration 0011). A key's policy is a change
-- of its row, announced by the key trigger already.
CREATE FUNCTION cv_notify_trusted_issuer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('cv_changes', 'ti:' || r.tenant_id || ':' || r.id);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cv_notify_trusted_issuer_write AFTER INSERT OR UPDATE OR DELETE ON trusted_issuers
  FOR EACH ROW EXECUTE FUNCTION cv_notify_trusted_issuer();
