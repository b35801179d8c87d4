CREATE TABLE "person_duplicate_candidates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"import_id" uuid,
	"reasons" jsonb NOT NULL,
	"decision" text DEFAULT 'open' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_import_errors" (
	"import_id" uuid NOT NULL,
	"row" integer NOT NULL,
	"field" text NOT NULL,
	"column_name" text,
	"message" text NOT NULL,
	"message_ja" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_import_persons" (
	"import_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"row" integer NOT NULL,
	"invited_at" timestamp with time zone,
	CONSTRAINT "person_import_persons_import_id_person_id_pk" PRIMARY KEY("import_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "person_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre_id" uuid NOT NULL,
	"created_by" uuid,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"file_kind" text NOT NULL,
	"file_encoding" text,
	"file_sha256" text NOT NULL,
	"file_bytes" integer NOT NULL,
	"file_data" "bytea",
	"header" jsonb NOT NULL,
	"mapping" jsonb NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"failure_ja" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "person_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merged_person_id" uuid NOT NULL,
	"merged_case_number" text NOT NULL,
	"kept_person_id" uuid NOT NULL,
	"merged_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "person_duplicate_candidates" ADD CONSTRAINT "person_duplicate_candidates_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_duplicate_candidates" ADD CONSTRAINT "person_duplicate_candidates_candidate_id_persons_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_duplicate_candidates" ADD CONSTRAINT "person_duplicate_candidates_import_id_person_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."person_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_duplicate_candidates" ADD CONSTRAINT "person_duplicate_candidates_decided_by_staff_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_import_errors" ADD CONSTRAINT "person_import_errors_import_id_person_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."person_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_import_persons" ADD CONSTRAINT "person_import_persons_import_id_person_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."person_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_import_persons" ADD CONSTRAINT "person_import_persons_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_imports" ADD CONSTRAINT "person_imports_centre_id_jurisdictions_id_fk" FOREIGN KEY ("centre_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_imports" ADD CONSTRAINT "person_imports_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_kept_person_id_persons_id_fk" FOREIGN KEY ("kept_person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_merges" ADD CONSTRAINT "person_merges_merged_by_staff_users_id_fk" FOREIGN KEY ("merged_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "person_duplicate_candidates_pair_uq" ON "person_duplicate_candidates" USING btree ("person_id","candidate_id");--> statement-breakpoint
CREATE INDEX "person_duplicate_candidates_import_idx" ON "person_duplicate_candidates" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "person_import_errors_import_idx" ON "person_import_errors" USING btree ("import_id","row");--> statement-breakpoint
CREATE INDEX "person_import_persons_person_idx" ON "person_import_persons" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_imports_centre_idx" ON "person_imports" USING btree ("centre_id","created_at");--> statement-breakpoint
CREATE INDEX "person_merges_kept_idx" ON "person_merges" USING btree ("kept_person_id");--> statement-breakpoint
CREATE INDEX "person_merges_merged_idx" ON "person_merges" USING btree ("merged_person_id");--> statement-breakpoint
CREATE INDEX "persons_birth_date_idx" ON "persons" USING btree ("date_of_birth");