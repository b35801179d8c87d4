-- Issue 16: a round's LINE batch reads each addressee's LINE user and its state
-- (loadDispatchRows): 500 probes of person_channels by (person_id, kind), each a heap fetch
-- after the index. With address and state carried in the unique index the probes are
-- index-only scans (measured on a 100,000 round's kept database: the batch's read 8.2–8.5 ms
-- → 7.3–7.4 ms warm, 0 heap fetches). The same index, so an insert writes no more entries;
-- an update of address or state (linking, blocking: rare) is no longer HOT. It stays the
-- arbiter of ON CONFLICT (person_id, kind): included columns are not part of the key.
-- Written by hand: drizzle's index builder has no INCLUDE (db/schema/persons.ts says so).
DROP INDEX "person_channels_person_kind_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "person_channels_person_kind_uq" ON "person_channels" USING btree ("person_id","kind") INCLUDE ("address","state");
