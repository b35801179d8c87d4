ALTER TABLE "facilities" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "facility_contacts" ADD COLUMN "line_user_id" text;--> statement-breakpoint
ALTER TABLE "facility_rounds" ADD COLUMN "links_queued_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "outbound_messages_facility_link_idx" ON "outbound_messages" USING btree ((body->>'facilityId'),"created_at") WHERE kind = 'facility_round_link';--> statement-breakpoint
CREATE INDEX "facility_rounds_links_unqueued_idx" ON "facility_rounds" USING btree ("expires_at") WHERE links_queued_at is null and submitted_at is null;