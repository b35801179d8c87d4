CREATE TABLE "line_multicasts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"retry_key" text NOT NULL,
	"person_ids" uuid[] NOT NULL,
	"session_ids" uuid[] NOT NULL,
	"provider_message_id" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "line_multicasts_retry_key_uq" ON "line_multicasts" USING btree ("retry_key");--> statement-breakpoint
CREATE INDEX "line_multicasts_person_ids_idx" ON "line_multicasts" USING gin ("person_ids");--> statement-breakpoint
CREATE INDEX "line_multicasts_session_ids_idx" ON "line_multicasts" USING gin ("session_ids");