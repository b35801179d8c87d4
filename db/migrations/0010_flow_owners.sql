-- Flows get an owner jurisdiction (a prefecture or a health centre). NULL is the nation
-- (全国): the flows that exist before this migration (patient-daily, contact-daily) stay
-- national, asked of everyone and published by national officers only.
ALTER TABLE "flows" ADD COLUMN "owner_jurisdiction_id" uuid;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_owner_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("owner_jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flows_owner_idx" ON "flows" USING btree ("owner_jurisdiction_id");