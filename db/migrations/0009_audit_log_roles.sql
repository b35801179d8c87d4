-- The audit log is append-only against the application's database role, not only by trigger.
-- The triggers of 0001 refuse UPDATE, DELETE and TRUNCATE, but a table's owner may disable
-- them (ALTER TABLE … DISABLE TRIGGER) or drop the table. So, when the role running the
-- migrations may create roles (PostgreSQL; a superuser or CREATEROLE):
--   mimamori_audit_owner (NOLOGIN) owns audit_log; nobody logs in as it or is a member of it;
--   mimamori_app (NOLOGIN) is what the application's login role is made a member of: it may
--     read and write the rows of every table, but on audit_log only SELECT and INSERT, and
--     it may not TRUNCATE, ALTER, DROP or disable a trigger anywhere (only owners may).
-- The migrating role keeps owning every other table (later migrations stay ordinary), and
-- may append to and read the audit log too. Without the right to create roles (and on a
-- database that cannot), only the triggers protect the log, and a NOTICE says so; README
-- "Deployment: database roles" says what operators do. Roles belong to the whole cluster,
-- so every database of it shares these two names; creating them tolerates a concurrent twin.
-- A later migration that must ALTER audit_log grants itself mimamori_audit_owner for it.
DO $$
DECLARE
  me text := current_user;
  is_super boolean;
  may_create boolean;
BEGIN
  SELECT rolsuper, rolsuper OR rolcreaterole INTO is_super, may_create FROM pg_roles WHERE rolname = me;
  IF NOT coalesce(may_create, false) THEN
    RAISE NOTICE 'audit_log: role % may not create roles; the triggers alone keep the audit log append-only (README: Deployment: database roles)', me;
    RETURN;
  END IF;
  BEGIN
    CREATE ROLE mimamori_audit_owner NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE mimamori_app NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;

  -- Rows of every table, present and future; sequences for serial ids; no DDL, no TRUNCATE.
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mimamori_app;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mimamori_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mimamori_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mimamori_app;
  -- The app checks at start that the migrations were applied (it may not apply them itself).
  IF to_regclass('drizzle.__drizzle_migrations') IS NOT NULL THEN
    GRANT USAGE ON SCHEMA drizzle TO mimamori_app;
    GRANT SELECT ON drizzle.__drizzle_migrations TO mimamori_app;
  END IF;

  -- The audit log: read and append only, for the app and for the migrating role.
  REVOKE ALL ON audit_log FROM mimamori_app;
  GRANT SELECT, INSERT ON audit_log TO mimamori_app;
  -- Hand the table over. A CREATEROLE non-superuser must be a member of the new owner for
  -- that, and the new owner needs CREATE on the schema at that moment; both are taken back
  -- at once. Where even that is not allowed, the triggers alone guard the log (NOTICE).
  BEGIN
    IF NOT is_super THEN
      EXECUTE format('GRANT mimamori_audit_owner TO %I', me);
    END IF;
    GRANT CREATE ON SCHEMA public TO mimamori_audit_owner;
    ALTER TABLE audit_log OWNER TO mimamori_audit_owner;
    REVOKE CREATE ON SCHEMA public FROM mimamori_audit_owner;
    SET LOCAL ROLE mimamori_audit_owner;
    EXECUTE format('GRANT SELECT, INSERT ON audit_log TO %I', me);
    EXECUTE format('GRANT USAGE ON SEQUENCE audit_log_id_seq TO %I, mimamori_app', me);
    RESET ROLE;
    IF NOT is_super THEN
      EXECUTE format('REVOKE mimamori_audit_owner FROM %I', me);
    END IF;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'audit_log: role % could not hand the table to mimamori_audit_owner (%); the triggers alone keep it append-only', me, SQLERRM;
  END;
END
$$;
