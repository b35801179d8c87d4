CREATE TABLE "escalation_alerts" (
	"alert_id" uuid PRIMARY KEY NOT NULL,
	"escalation_id" uuid NOT NULL,
	"joined_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_pages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"escalation_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"role" text NOT NULL,
	"rota_jurisdiction_id" uuid NOT NULL,
	"shift_id" uuid,
	"name" text NOT NULL,
	"staff_user_id" uuid,
	"phone" text NOT NULL,
	"alert_ids" uuid[] NOT NULL,
	"call_outbound_id" uuid,
	"sms_outbound_id" uuid,
	"outcome" text,
	"acknowledged_via" text,
	"acknowledged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre_id" uuid NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "on_call_shifts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_id" uuid NOT NULL,
	"role" text DEFAULT 'on_call' NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"staff_user_id" uuid,
	"phone" text NOT NULL,
	"repeat" text DEFAULT 'once' NOT NULL,
	"days" integer[],
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre_id" uuid NOT NULL,
	"slot" text NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"recipients" text[] NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalation_alerts" ADD CONSTRAINT "escalation_alerts_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_alerts" ADD CONSTRAINT "escalation_alerts_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_rota_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("rota_jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_shift_id_on_call_shifts_id_fk" FOREIGN KEY ("shift_id") REFERENCES "public"."on_call_shifts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_call_outbound_id_outbound_messages_id_fk" FOREIGN KEY ("call_outbound_id") REFERENCES "public"."outbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_sms_outbound_id_outbound_messages_id_fk" FOREIGN KEY ("sms_outbound_id") REFERENCES "public"."outbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_staff_user_id_staff_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_digests" ADD CONSTRAINT "alert_digests_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalation_alerts_escalation_idx" ON "escalation_alerts" USING btree ("escalation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_pages_step_uq" ON "escalation_pages" USING btree ("escalation_id","step");--> statement-breakpoint
CREATE INDEX "escalation_pages_phone_idx" ON "escalation_pages" USING btree ("phone","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_active_centre_uq" ON "escalations" USING btree ("centre_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "escalations_due_idx" ON "escalations" USING btree ("next_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "on_call_shifts_jurisdiction_idx" ON "on_call_shifts" USING btree ("jurisdiction_id","role","position");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_digests_slot_uq" ON "alert_digests" USING btree ("centre_id","slot");