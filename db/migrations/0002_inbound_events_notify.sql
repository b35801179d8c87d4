-- Issue 10: the Workers intake stores events but cannot reach Redis; the Node side LISTENs
-- on 'mimamori_inbound' and enqueues the event's job at once (src/jobs/inbound-listener.ts).
-- The payload holds ids only (no personal data); NOTIFY is delivered on commit, so the
-- listener never sees a row it cannot read. Events stored already processed (voice answers
-- synchronously) need no job. The sweeper stays the safety net for missed notifications.
CREATE OR REPLACE FUNCTION inbound_events_notify() RETURNS trigger AS $$
BEGIN
  IF NEW.processed_at IS NULL THEN
    PERFORM pg_notify('mimamori_inbound', json_build_object('id', NEW.id, 'provider', NEW.provider)::text);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER inbound_events_notify AFTER INSERT ON inbound_events
  FOR EACH ROW EXECUTE FUNCTION inbound_events_notify();
