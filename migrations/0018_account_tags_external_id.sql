ALTER TABLE "connected_accounts" ADD COLUMN "tags" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "connected_accounts_external_id_idx" ON "connected_accounts" USING btree ("tenant_id","auth_config_id","external_id") WHERE external_id is not null;