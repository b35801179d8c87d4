-- Issue 16: a red answer waited for another sender's batch when an earlier answer of its
-- sender brought the sender into that batch (50 senders in one transaction): the red was then
-- handled at the batch's pace and its own urgent job waited on the sender's lock. Ordinary
-- batches now pass over a sender with a red answer waiting; this index (a handful of rows)
-- finds them.
CREATE INDEX "inbound_events_urgent_sender_idx" ON "inbound_events" USING btree ("sender_key") WHERE processed_at is null and urgent;
