-- Issue 10: the Node intake enqueues the job of every event it stores itself (Redis is at
-- hand), so announcing its rows too made every Node-intake event two enqueues, and a NOTIFY
-- (which serialises committing transactions on the notification queue) for nothing. Node
-- connects as application_name 'mimamori' (db/client.ts NODE_APPLICATION_NAME); any other
-- inserter — the Cloudflare Worker through Hyperdrive — is announced as before. An
-- inserter that is not recognised is announced: the worst case is the old double enqueue.
CREATE OR REPLACE FUNCTION inbound_events_notify() RETURNS trigger AS $$
BEGIN
  IF NEW.processed_at IS NULL AND current_setting('application_name', true) IS DISTINCT FROM 'mimamori' THEN
    PERFORM pg_notify('mimamori_inbound', json_build_object('id', NEW.id, 'provider', NEW.provider)::text);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
