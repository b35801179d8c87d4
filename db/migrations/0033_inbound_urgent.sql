ALTER TABLE "inbound_events" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Red taps waiting at the upgrade (the mark was only in their postback data until now).
UPDATE "inbound_events" SET "urgent" = true WHERE "processed_at" IS NULL AND "provider" = 'line' AND "payload"->'postback'->>'data' LIKE '%&u=1';
