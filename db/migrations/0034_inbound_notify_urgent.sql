-- Issue 16: a red answer stored by the Workers intake (a tap marked red is stored `urgent`
-- by its insert, migration 0033) was announced with its id and provider only, so the Node
-- listener enqueued it on the ordinary lane, behind the morning's backlog. The notification
-- now says so (`"urgent": true`, only then: the others' payload is unchanged) and the
-- listener enqueues it on `inbound-urgent` (src/jobs/inbound-listener.ts). Still ids only.
CREATE OR REPLACE FUNCTION inbound_events_notify() RETURNS trigger AS $$
BEGIN
  IF NEW.processed_at IS NULL AND current_setting('application_name', true) IS DISTINCT FROM 'mimamori' THEN
    IF NEW.urgent THEN
      PERFORM pg_notify('mimamori_inbound', json_build_object('id', NEW.id, 'provider', NEW.provider, 'urgent', true)::text);
    ELSE
      PERFORM pg_notify('mimamori_inbound', json_build_object('id', NEW.id, 'provider', NEW.provider)::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
