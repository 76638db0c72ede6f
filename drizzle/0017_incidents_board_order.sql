DROP INDEX "incidents_coalition_activity";--> statement-breakpoint
CREATE INDEX "incidents_board" ON "incidents" USING btree ("coalition_id","last_activity_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);