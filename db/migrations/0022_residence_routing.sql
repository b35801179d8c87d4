ALTER TABLE "jurisdictions" ADD COLUMN "municipalities" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "routing_note" text;