-- Every change the token path's caches depend on is announced on channel cv_changes, from the
-- transaction that makes it (PostgreSQL delivers a NOTIFY at commit, and only then): each replica
-- LISTENs and drops what changed (SPEC §3 "Caching and revocation"). Triggers, not application
-- code, so that no write path can forget it. Payload: <kind>:<tenant>:<id>[:<auth config>].
CREATE FUNCTION cv_notify_account() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('cv_changes', 'ca:' || r.tenant_id || ':' || r.id || ':' || r.auth_config_id);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cv_notify_account_write AFTER INSERT OR DELETE ON connected_accounts
  FOR EACH ROW EXECUTE FUNCTION cv_notify_account();--> statement-breakpoint
-- Lease and failure bookkeeping change nothing a token request is answered with.
CREATE TRIGGER cv_notify_account_update AFTER UPDATE ON connected_accounts
  FOR EACH ROW WHEN (
    OLD.generation IS DISTINCT FROM NEW.generation
    OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.status_reason IS DISTINCT FROM NEW.status_reason
    OR OLD.access_token_enc IS DISTINCT FROM NEW.access_token_enc
    OR OLD.selected_cloud_id IS DISTINCT FROM NEW.selected_cloud_id
    OR OLD.sites IS DISTINCT FROM NEW.sites
    OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
    OR OLD.granted_scopes IS DISTINCT FROM NEW.granted_scopes
    OR OLD.user_id IS DISTINCT FROM NEW.user_id
  ) EXECUTE FUNCTION cv_notify_account();--> statement-breakpoint
CREATE FUNCTION cv_notify_config() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('cv_changes', 'ac:' || r.tenant_id || ':' || r.id);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cv_notify_config_write AFTER UPDATE OR DELETE ON auth_configs
  FOR EACH ROW EXECUTE FUNCTION cv_notify_config();--> statement-breakpoint
CREATE FUNCTION cv_notify_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('cv_changes', 'key:' || coalesce(r.tenant_id, '') || ':' || r.id);
  RETURN NULL;
END $$;--> statement-breakpoint
-- Inserts too: a key created after a replica cached "no such key" is announced the same way.
CREATE TRIGGER cv_notify_api_key_write AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION cv_notify_api_key();--> statement-breakpoint
CREATE FUNCTION cv_notify_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cv_changes', 'tn:' || OLD.id || ':' || OLD.id);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER cv_notify_tenant_delete AFTER DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION cv_notify_tenant();--> statement-breakpoint
CREATE FUNCTION cv_notify_data_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('cv_changes', 'dk:' || r.tenant_id || ':' || r.id);
  RETURN NULL;
END $$;--> statement-breakpoint
-- A rewrap (new master key, same data key) changes nothing a replica holds unwrapped; a new key,
-- a retired one or a destroyed one does.
CREATE TRIGGER cv_notify_data_key_write AFTER INSERT OR DELETE ON data_keys
  FOR EACH ROW EXECUTE FUNCTION cv_notify_data_key();--> statement-breakpoint
CREATE TRIGGER cv_notify_data_key_status AFTER UPDATE ON data_keys
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION cv_notify_data_key();
