CREATE INDEX "persons_kana_order_idx" ON "persons" USING btree ("name_kana","name","id");--> statement-breakpoint
CREATE INDEX "alerts_reason_idx" ON "alerts" USING btree ("reason");--> statement-breakpoint
CREATE INDEX "alerts_open_queue_idx" ON "alerts" USING btree (("severity" = 'red') desc,"created_at","id") WHERE status in ('open', 'acknowledged');