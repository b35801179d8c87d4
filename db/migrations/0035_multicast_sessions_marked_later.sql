-- Issue 16: a LINE multicast's 500 sessions were marked prompted in the statement that
-- settled it, in the round's busiest minute (500 non-HOT updates, every index of
-- check_sessions written, ~12,000 blocks a multicast) — the statements red answers waited
-- behind. The multicast now records when LINE took it (sent_at) and the tick marks its
-- sessions later (sessions_marked_at; src/domain/rounds/mark-multicast-sessions.ts), the
-- reminder clock still from sent_at. Multicasts sent before this were marked as they were sent.
ALTER TABLE "line_multicasts" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "line_multicasts" ADD COLUMN "sessions_marked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "line_multicasts_unmarked_idx" ON "line_multicasts" USING btree ("sent_at") WHERE status = 'sent' and sessions_marked_at is null;--> statement-breakpoint
UPDATE "line_multicasts" SET "sent_at" = "updated_at", "sessions_marked_at" = "updated_at" WHERE "status" = 'sent';
