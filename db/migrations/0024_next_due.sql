-- When the tick must next look at a person (src/domain/rounds/next-due.ts): their next round
-- without a session, or the end of their monitoring. '-infinity' = at the next tick; null =
-- nothing to do. Every person under monitoring starts due once.
CREATE TABLE "person_due" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"next_due_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "person_due" ADD CONSTRAINT "person_due_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "person_due" (person_id, next_due_at)
  SELECT id, CASE WHEN status IN ('close_contact', 'home_recuperation', 'hotel_recuperation') THEN '-infinity'::timestamptz END FROM persons;--> statement-breakpoint
CREATE INDEX "person_due_next_idx" ON "person_due" USING btree ("next_due_at","person_id") WHERE next_due_at is not null;--> statement-breakpoint
-- Whatever decides a person's next round or end makes them due at the next tick, which
-- computes the exact time with its own clock. Done here, not in the verbs, so no writer
-- (console, API, import, merge, CLI, a script) can forget it.
-- (Always a write, even when already due: the tick's computation skips a row written since
-- its snapshot, so a change made while it computes is never lost.)
CREATE OR REPLACE FUNCTION persons_mark_due(ids uuid[]) RETURNS void AS $$
  -- Only persons that still exist: deleting a person (merge, erase) cascades to rows whose triggers call this.
  INSERT INTO person_due (person_id, next_due_at) SELECT x, '-infinity' FROM unnest(ids) x WHERE x IS NOT NULL AND EXISTS (SELECT 1 FROM persons p WHERE p.id = x)
  ON CONFLICT (person_id) DO UPDATE SET next_due_at = '-infinity';
$$ LANGUAGE sql;
--> statement-breakpoint
-- A new person: due at once (one statement for a whole bulk insert).
CREATE OR REPLACE FUNCTION persons_due_on_insert() RETURNS trigger AS $$
BEGIN
  INSERT INTO person_due (person_id, next_due_at) SELECT id, '-infinity' FROM new_persons ON CONFLICT (person_id) DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER persons_due_on_insert AFTER INSERT ON persons REFERENCING NEW TABLE AS new_persons FOR EACH STATEMENT EXECUTE FUNCTION persons_due_on_insert();
--> statement-breakpoint
-- persons: status, dates, centre, classification (the end rules' basis).
CREATE OR REPLACE FUNCTION persons_due_on_change() RETURNS trigger AS $$
BEGIN
  PERFORM persons_mark_due(ARRAY[NEW.id]);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER persons_due_on_change AFTER UPDATE ON persons FOR EACH ROW
  WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.monitoring_start IS DISTINCT FROM OLD.monitoring_start
    OR NEW.monitoring_planned_end IS DISTINCT FROM OLD.monitoring_planned_end OR NEW.responsible_centre_id IS DISTINCT FROM OLD.responsible_centre_id
    OR NEW.classification IS DISTINCT FROM OLD.classification OR NEW.onset_date IS DISTINCT FROM OLD.onset_date
    OR NEW.diagnosis_date IS DISTINCT FROM OLD.diagnosis_date OR NEW.last_contact_date IS DISTINCT FROM OLD.last_contact_date)
  EXECUTE FUNCTION persons_due_on_change();
--> statement-breakpoint
-- A row of a person's table (assignment, pause, test record) written: that person.
CREATE OR REPLACE FUNCTION person_row_marks_due() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM persons_mark_due(ARRAY[OLD.person_id]); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.person_id IS DISTINCT FROM OLD.person_id) THEN PERFORM persons_mark_due(ARRAY[NEW.person_id]); END IF;
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
    UPDATE person_due d SET next_due_at = '-infinity' FROM persons p
    WHERE p.id = d.person_id AND p.responsible_centre_id = NEW.id
      AND p.status IN ('close_contact', 'home_recuperation', 'hotel_recuperation') AND d.next_due_at IS DISTINCT FROM '-infinity';
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
  UPDATE person_due d SET next_due_at = '-infinity' FROM persons p
  WHERE p.id = d.person_id AND p.status IN ('close_contact', 'home_recuperation', 'hotel_recuperation') AND d.next_due_at IS DISTINCT FROM '-infinity';
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
    UPDATE person_due d SET next_due_at = '-infinity' FROM flow_assignments a
    WHERE a.person_id = d.person_id AND a.flow_id = NEW.flow_id AND d.next_due_at IS DISTINCT FROM '-infinity';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER flow_versions_mark_due AFTER INSERT OR UPDATE ON flow_versions FOR EACH ROW EXECUTE FUNCTION flow_versions_mark_due();
--> statement-breakpoint
-- Open sessions by the end of their round: the tick closes the expired ones without reading every session ever held.
CREATE INDEX "check_sessions_open_expiry_idx" ON "check_sessions" USING btree ("expires_at") WHERE status in ('pending', 'prompted', 'active');
--> statement-breakpoint
-- A round rewrites every row of person_due; vacuumed soon after (not at 20 % of a national table), so the tick's
-- ordered walk of person_due_next_idx does not step over a round's worth of dead index entries for long.
ALTER TABLE "person_due" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
