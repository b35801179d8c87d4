ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "lock_reason" text;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD COLUMN "lookup_hash" text;--> statement-breakpoint
ALTER TABLE "enrollment_codes" ADD COLUMN "failed_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "enrollment_attempts_failed_idx" ON "enrollment_attempts" USING btree ("created_at") WHERE success = false;--> statement-breakpoint
CREATE UNIQUE INDEX "enrollment_codes_lookup_active_uq" ON "enrollment_codes" USING btree ("lookup_hash") WHERE used_at is null;--> statement-breakpoint
-- Six-digit link codes issued before two-part codes stop working (the centre issues a new one).
UPDATE "enrollment_codes" SET "expires_at" = now() WHERE "used_at" IS NULL AND "lookup_hash" IS NULL AND "expires_at" > now();--> statement-breakpoint
-- Tokens made before expiry existed get the default lifetime from today.
UPDATE "api_tokens" SET "expires_at" = now() + interval '90 days' WHERE "expires_at" IS NULL AND "revoked_at" IS NULL;
