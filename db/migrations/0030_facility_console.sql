ALTER TABLE "facilities" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "facility_contacts" ADD COLUMN "line_user_id" text;--> statement-breakpoint
ALTER TABLE "facility_rounds" ADD COLUMN "links_queued_at" timestamp with time zone;