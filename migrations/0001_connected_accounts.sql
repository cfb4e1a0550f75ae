CREATE TABLE "connect_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"account_id" text NOT NULL,
	"return_url" text,
	"link_expires_at" timestamp with time zone NOT NULL,
	"link_used_at" timestamp with time zone,
	"state_hash" text,
	"state_expires_at" timestamp with time zone,
	"state_used_at" timestamp with time zone,
	"code_verifier_enc" text,
	"outcome" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connected_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"auth_config_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"status_reason" text,
	"pinned_site_url" text,
	"sites" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"selected_cloud_id" text,
	"identity" jsonb,
	"granted_scopes" text[] DEFAULT '{}' NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_type" text,
	"expires_at" timestamp with time zone,
	"generation" integer DEFAULT 0 NOT NULL,
	"connected_at" timestamp with time zone,
	"family_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_account_id_connected_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."connected_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_config_id_auth_configs_id_fk" FOREIGN KEY ("auth_config_id") REFERENCES "public"."auth_configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connect_sessions_state_idx" ON "connect_sessions" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "connect_sessions_account_idx" ON "connect_sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "connected_accounts_tenant_idx" ON "connected_accounts" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "connected_accounts_config_user_idx" ON "connected_accounts" USING btree ("tenant_id","auth_config_id","user_id");