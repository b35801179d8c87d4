-- Issue 16: a LINE multicast's 500 sessions were marked prompted in the statement that
-- settled it, in the round's busiest minute (500 non-HOT updates, every index of
-- check_sessions written, ~12,000 blocks a multicast) — the statements red answers waited
-- behind. The multicast now records when LINE took it (sent_at) and a row here; the tick
-- marks its sessions later (src/domain/rounds/mark-multicast-sessions.ts), the reminder clock
-- still from sent_at, and deletes the row. A table of its own: an index on line_multicasts
-- for it would make the settle a non-HOT update, re-entering the row's 1,000 ids in both GIN
-- indexes. Multicasts sent before this were marked as they were sent.
CREATE TABLE "line_multicast_marks" (
	"multicast_id" uuid PRIMARY KEY NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "line_multicasts" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "line_multicast_marks" ADD CONSTRAINT "line_multicast_marks_multicast_id_line_multicasts_id_fk" FOREIGN KEY ("multicast_id") REFERENCES "public"."line_multicasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "line_multicast_marks_sent_idx" ON "line_multicast_marks" USING btree ("sent_at");--> statement-breakpoint
UPDATE "line_multicasts" SET "sent_at" = "updated_at" WHERE "status" = 'sent';
