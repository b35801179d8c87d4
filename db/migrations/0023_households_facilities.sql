CREATE TABLE "facilities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"responsible_centre_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"round_times" text[] DEFAULT array['09:00']::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facility_contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"facility_id" uuid NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facility_residents" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"facility_id" uuid NOT NULL,
	"room" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facility_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"facility_id" uuid NOT NULL,
	"local_date" date NOT NULL,
	"round" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitted_by" text,
	"missing_person_ids" uuid[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "household_members" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"household_id" uuid NOT NULL,
	"relation" text,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"responsible_centre_id" uuid NOT NULL,
	"household_number" text,
	"reporter_person_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "check_sessions" ADD COLUMN "answered_by_person_id" uuid;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "answered_by_person_id" uuid;--> statement-breakpoint
ALTER TABLE "facilities" ADD CONSTRAINT "facilities_responsible_centre_id_jurisdictions_id_fk" FOREIGN KEY ("responsible_centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_contacts" ADD CONSTRAINT "facility_contacts_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_residents" ADD CONSTRAINT "facility_residents_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_residents" ADD CONSTRAINT "facility_residents_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facility_rounds" ADD CONSTRAINT "facility_rounds_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_responsible_centre_id_jurisdictions_id_fk" FOREIGN KEY ("responsible_centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_reporter_person_id_persons_id_fk" FOREIGN KEY ("reporter_person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "facilities_centre_idx" ON "facilities" USING btree ("responsible_centre_id");--> statement-breakpoint
CREATE INDEX "facility_contacts_facility_idx" ON "facility_contacts" USING btree ("facility_id");--> statement-breakpoint
CREATE INDEX "facility_residents_facility_idx" ON "facility_residents" USING btree ("facility_id");--> statement-breakpoint
CREATE UNIQUE INDEX "facility_rounds_facility_date_round_uq" ON "facility_rounds" USING btree ("facility_id","local_date","round");--> statement-breakpoint
CREATE INDEX "household_members_household_idx" ON "household_members" USING btree ("household_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "households_centre_number_uq" ON "households" USING btree ("responsible_centre_id","household_number") WHERE household_number is not null;--> statement-breakpoint
CREATE INDEX "households_reporter_idx" ON "households" USING btree ("reporter_person_id");--> statement-breakpoint
ALTER TABLE "check_sessions" ADD CONSTRAINT "check_sessions_answered_by_person_id_persons_id_fk" FOREIGN KEY ("answered_by_person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_answered_by_person_id_persons_id_fk" FOREIGN KEY ("answered_by_person_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;