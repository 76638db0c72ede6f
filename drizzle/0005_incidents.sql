CREATE TABLE "incident_timeline" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"actor_id" uuid,
	"report_id" uuid,
	"other_incident_id" uuid,
	"status" text,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"number" bigserial NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"merged_into" uuid,
	"activity" text NOT NULL,
	"zone_id" uuid,
	"h3_cell" text,
	"center_lat" double precision,
	"center_lng" double precision,
	"recent_lat" double precision,
	"recent_lng" double precision,
	"positioned_count" integer DEFAULT 0 NOT NULL,
	"report_count" integer DEFAULT 0 NOT NULL,
	"firsthand_count" integer DEFAULT 0 NOT NULL,
	"precise_count" integer DEFAULT 0 NOT NULL,
	"first_observed_at" timestamp with time zone NOT NULL,
	"last_observed_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_has_location_sealed";--> statement-breakpoint
ALTER TABLE "coalitions" ADD COLUMN "grouping" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "fine_cell" text;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "incident_id" uuid;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "has_place" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "source_ref" text;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "callback" text;--> statement-breakpoint
ALTER TABLE "incident_timeline" ADD CONSTRAINT "incident_timeline_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_timeline_incident" ON "incident_timeline" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_number" ON "incidents" USING btree ("number");--> statement-breakpoint
CREATE INDEX "incidents_groupable" ON "incidents" USING btree ("coalition_id","last_observed_at") WHERE status in ('open', 'confirmed', 'not_confirmed');--> statement-breakpoint
CREATE INDEX "incidents_coalition_activity" ON "incidents" USING btree ("coalition_id","last_activity_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_incident" ON "reports" USING btree ("incident_id","received_at");--> statement-breakpoint
CREATE INDEX "reports_ungrouped" ON "reports" USING btree ("coalition_id","received_at") WHERE incident_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "reports_source_ref" ON "reports" USING btree ("channel","source_ref");--> statement-breakpoint
CREATE INDEX "reports_callback_held" ON "reports" USING btree ("received_at") WHERE callback is not null;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_has_location_sealed" CHECK (zone_id is not null or has_exact_location or restricted_purged_at is not null or channel = 'sms');