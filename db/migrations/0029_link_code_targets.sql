ALTER TABLE "enrollment_codes" ALTER COLUMN "person_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD COLUMN "household_id" uuid;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD COLUMN "facility_contact_id" uuid;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD CONSTRAINT "enrollment_codes_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD CONSTRAINT "enrollment_codes_facility_contact_id_facility_contacts_id_fk" FOREIGN KEY ("facility_contact_id") REFERENCES "public"."facility_contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enrollment_codes_household_idx" ON "enrollment_codes" USING btree ("household_id") WHERE household_id is not null;--> statement-breakpoint
CREATE INDEX "enrollment_codes_facility_contact_idx" ON "enrollment_codes" USING btree ("facility_contact_id") WHERE facility_contact_id is not null;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD CONSTRAINT "enrollment_codes_one_target" CHECK (num_nonnulls(person_id, household_id, facility_contact_id) = 1);