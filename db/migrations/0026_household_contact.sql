ALTER TABLE "check_sessions" ADD COLUMN "answered_by_household_id" uuid;--> statement-breakpoint
ALTER TABLE "observations" ADD COLUMN "answered_by_household_id" uuid;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "contact_name" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "contact_relation" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "contact_language" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "contact_channel" text;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "contact_address" text;--> statement-breakpoint
ALTER TABLE "check_sessions" ADD CONSTRAINT "check_sessions_answered_by_household_id_households_id_fk" FOREIGN KEY ("answered_by_household_id") REFERENCES "public"."households"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_answered_by_household_id_households_id_fk" FOREIGN KEY ("answered_by_household_id") REFERENCES "public"."households"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "households_contact_address_idx" ON "households" USING btree ("contact_address") WHERE contact_address is not null;