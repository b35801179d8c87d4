ALTER TABLE "households" ADD COLUMN "contact_line_user_id" text;--> statement-breakpoint
CREATE INDEX "households_contact_line_user_idx" ON "households" USING btree ("contact_line_user_id") WHERE contact_line_user_id is not null;--> statement-breakpoint
-- A LINE contact's address was her LINE user id: it moves to its own column, and contact_address is the phone only.
UPDATE "households" SET "contact_line_user_id" = "contact_address", "contact_address" = NULL WHERE "contact_channel" = 'line' AND "contact_address" IS NOT NULL;
