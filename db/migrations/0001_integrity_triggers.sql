-- Integrity rules drizzle cannot express: append-only audit, immutable published flow versions.
-- Audit rows are append-only for every role, the application's included.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- A published flow version is immutable: only its status may move on (published → archived).
CREATE OR REPLACE FUNCTION flow_versions_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.definition IS DISTINCT FROM OLD.definition
      OR NEW.version <> OLD.version OR NEW.spec_version <> OLD.spec_version) THEN
    RAISE EXCEPTION 'flow version % is % and cannot be changed', OLD.version, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'archived' AND NEW.status <> 'archived' THEN
    RAISE EXCEPTION 'an archived flow version stays archived' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
  FOR EACH ROW EXECUTE FUNCTION flow_versions_immutable();
