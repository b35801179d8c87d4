CREATE TABLE "care_team_members" (
	"team_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_team_members_team_id_staff_id_pk" PRIMARY KEY("team_id","staff_id")
);
--> statement-breakpoint
CREATE TABLE "care_teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "caseload_settings" (
	"centre_id" uuid PRIMARY KEY NOT NULL,
	"unsuccessful_calls_before_lost" integer DEFAULT 3 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_up_losses" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"declared_by" uuid,
	"declared_at" timestamp with time zone NOT NULL,
	"note" text,
	"call_ids" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_pauses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"started_at" timestamp with time zone NOT NULL,
	"resume_on" date NOT NULL,
	"created_by" uuid,
	"ended_at" timestamp with time zone,
	"ended_by" uuid,
	"end_kind" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_assignments" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"staff_id" uuid,
	"team_id" uuid,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"staff_id" uuid,
	"outcome" text NOT NULL,
	"note" text,
	"called_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "care_team_members" ADD CONSTRAINT "care_team_members_team_id_care_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."care_teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_team_members" ADD CONSTRAINT "care_team_members_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_teams" ADD CONSTRAINT "care_teams_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "caseload_settings" ADD CONSTRAINT "caseload_settings_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_losses" ADD CONSTRAINT "follow_up_losses_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_losses" ADD CONSTRAINT "follow_up_losses_declared_by_staff_users_id_fk" FOREIGN KEY ("declared_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_pauses" ADD CONSTRAINT "monitoring_pauses_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_pauses" ADD CONSTRAINT "monitoring_pauses_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_pauses" ADD CONSTRAINT "monitoring_pauses_ended_by_staff_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_assignments" ADD CONSTRAINT "person_assignments_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_assignments" ADD CONSTRAINT "person_assignments_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_assignments" ADD CONSTRAINT "person_assignments_team_id_care_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."care_teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_assignments" ADD CONSTRAINT "person_assignments_assigned_by_staff_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_calls" ADD CONSTRAINT "staff_calls_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_calls" ADD CONSTRAINT "staff_calls_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_team_members_staff_idx" ON "care_team_members" USING btree ("staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "care_teams_centre_name_uq" ON "care_teams" USING btree ("centre_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_pauses_active_uq" ON "monitoring_pauses" USING btree ("person_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "monitoring_pauses_resume_idx" ON "monitoring_pauses" USING btree ("resume_on") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "person_assignments_staff_idx" ON "person_assignments" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "person_assignments_team_idx" ON "person_assignments" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "staff_calls_person_idx" ON "staff_calls" USING btree ("person_id","called_at");