CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" uuid NOT NULL,
	"filed_by" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"centre_id" uuid,
	"reporting_centre_id" uuid NOT NULL,
	"fields" jsonb NOT NULL,
	"person_id" uuid,
	"reply" text,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "after_hours_phone" text;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "round_times" jsonb;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "quiet_hours" text;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "medical_institutions" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "medical_institutions" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "medical_institutions" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "medical_institutions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_institution_id_medical_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."medical_institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_filed_by_staff_users_id_fk" FOREIGN KEY ("filed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_reporting_centre_id_jurisdictions_id_fk" FOREIGN KEY ("reporting_centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_decided_by_staff_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_centre_status_idx" ON "notifications" USING btree ("centre_id","status");--> statement-breakpoint
CREATE INDEX "notifications_reporting_centre_idx" ON "notifications" USING btree ("reporting_centre_id","status");--> statement-breakpoint
CREATE INDEX "notifications_institution_idx" ON "notifications" USING btree ("institution_id","status");--> statement-breakpoint
CREATE INDEX "notifications_decided_idx" ON "notifications" USING btree ("decided_at");