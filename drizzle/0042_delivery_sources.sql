CREATE TABLE "delivery_sources" (
	"alert_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"position" smallint NOT NULL,
	"zone_id" uuid,
	"after_id" uuid,
	"state" text DEFAULT 'open' NOT NULL,
	CONSTRAINT "delivery_sources_alert_id_channel_position_pk" PRIMARY KEY("alert_id","channel","position")
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_alert_id_alerts_id_fk";
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
DROP INDEX "deliveries_pending";--> statement-breakpoint
ALTER TABLE "delivery_sources" ADD CONSTRAINT "delivery_sources_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_sources" ADD CONSTRAINT "delivery_sources_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_subscription" ON "deliveries" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "deliveries_pending" ON "deliveries" USING btree ("alert_id","channel") WHERE state in ('queued', 'sending');