-- When the tick must next look at a person (src/domain/rounds/next-due.ts): their next round
-- without a session, or the end of their monitoring. '-infinity' = at the next tick; null =
-- nothing to do (not monitored). Every person starts due once; those no longer monitored never are.
ALTER TABLE "persons" ADD COLUMN "next_due_at" timestamp with time zone DEFAULT '-infinity';--> statement-breakpoint
UPDATE "persons" SET "next_due_at" = NULL WHERE status NOT IN ('close_contact', 'home_recuperation', 'hotel_recuperation');--> statement-breakpoint
CREATE INDEX "persons_next_due_idx" ON "persons" USING btree ("next_due_at","id") WHERE next_due_at is not null;--> statement-breakpoint
-- Whatever decides a person's next round or end makes them due at the next tick, which
-- computes the exact time with its own clock. Done here, not in the verbs, so no writer
-- (console, API, import, merge, CLI, a migration) can forget it.
CREATE OR REPLACE FUNCTION persons_mark_due(ids uuid[]) RETURNS void AS $$
  UPDATE persons SET next_due_at = '-infinity' WHERE id = ANY(ids) AND next_due_at IS DISTINCT FROM '-infinity';
$$ LANGUAGE sql;
--> statement-breakpoint
-- persons: status, dates, centre, classification (the rules' basis) changed by anyone but the tick's own computation.
CREATE OR REPLACE FUNCTION persons_due_on_change() RETURNS trigger AS $$
BEGIN
  IF NEW.next_due_at IS NOT DISTINCT FROM OLD.next_due_at AND (
       NEW.status IS DISTINCT FROM OLD.status OR NEW.monitoring_start IS DISTINCT FROM OLD.monitoring_start
    OR NEW.monitoring_planned_end IS DISTINCT FROM OLD.monitoring_planned_end OR NEW.responsible_centre_id IS DISTINCT FROM OLD.responsible_centre_id
    OR NEW.classification IS DISTINCT FROM OLD.classification OR NEW.onset_date IS DISTINCT FROM OLD.onset_date
    OR NEW.diagnosis_date IS DISTINCT FROM OLD.diagnosis_date OR NEW.last_contact_date IS DISTINCT FROM OLD.last_contact_date) THEN
    NEW.next_due_at := '-infinity';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER persons_due_on_change BEFORE UPDATE ON persons FOR EACH ROW EXECUTE FUNCTION persons_due_on_change();
--> statement-breakpoint
-- A row of a person's table (assignment, pause, test record) written: that person.
CREATE OR REPLACE FUNCTION person_row_marks_due() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM persons_mark_due(ARRAY[OLD.person_id]); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.person_id IS DISTINCT FROM OLD.person_id) THEN PERFORM persons_mark_due(ARRAY[NEW.person_id]); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flow_assignments_mark_due AFTER INSERT OR UPDATE OR DELETE ON flow_assignments FOR EACH ROW EXECUTE FUNCTION person_row_marks_due();
--> statement-breakpoint
CREATE TRIGGER monitoring_pauses_mark_due AFTER INSERT OR UPDATE OR DELETE ON monitoring_pauses FOR EACH ROW EXECUTE FUNCTION person_row_marks_due();
--> statement-breakpoint
CREATE TRIGGER test_records_mark_due AFTER INSERT OR UPDATE OR DELETE ON test_records FOR EACH ROW EXECUTE FUNCTION person_row_marks_due();
--> statement-breakpoint
-- A centre's zone or round times: its persons under monitoring.
CREATE OR REPLACE FUNCTION jurisdictions_mark_due() RETURNS trigger AS $$
BEGIN
  IF NEW.time_zone IS DISTINCT FROM OLD.time_zone OR NEW.round_times IS DISTINCT FROM OLD.round_times THEN
    UPDATE persons SET next_due_at = '-infinity'
    WHERE responsible_centre_id = NEW.id AND status IN ('close_contact', 'home_recuperation', 'hotel_recuperation') AND next_due_at IS DISTINCT FROM '-infinity';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER jurisdictions_mark_due AFTER UPDATE ON jurisdictions FOR EACH ROW EXECUTE FUNCTION jurisdictions_mark_due();
--> statement-breakpoint
-- The rules of the planned end (data): everyone under monitoring is looked at again.
CREATE OR REPLACE FUNCTION monitoring_end_rules_mark_due() RETURNS trigger AS $$
BEGIN
  UPDATE persons SET next_due_at = '-infinity'
  WHERE status IN ('close_contact', 'home_recuperation', 'hotel_recuperation') AND next_due_at IS DISTINCT FROM '-infinity';
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER monitoring_end_rules_mark_due AFTER INSERT OR UPDATE OR DELETE ON monitoring_end_rules FOR EACH STATEMENT EXECUTE FUNCTION monitoring_end_rules_mark_due();
--> statement-breakpoint
-- The first published version of a flow: its persons get rounds from now on (later versions change no time).
CREATE OR REPLACE FUNCTION flow_versions_mark_due() RETURNS trigger AS $$
BEGIN
  IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'published')
     AND NOT EXISTS (SELECT 1 FROM flow_versions v WHERE v.flow_id = NEW.flow_id AND v.status = 'published' AND v.id <> NEW.id) THEN
    UPDATE persons SET next_due_at = '-infinity'
    WHERE id IN (SELECT person_id FROM flow_assignments WHERE flow_id = NEW.flow_id) AND next_due_at IS DISTINCT FROM '-infinity';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flow_versions_mark_due AFTER INSERT OR UPDATE ON flow_versions FOR EACH ROW EXECUTE FUNCTION flow_versions_mark_due();
