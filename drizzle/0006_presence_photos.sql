CREATE TABLE "incident_presence" (
	"incident_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_presence_incident_id_user_id_pk" PRIMARY KEY("incident_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "report_photos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"report_id" uuid,
	"sealed" "bytea" NOT NULL,
	"content_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "reports_callback_held";--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "follow_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "sender_digest" text;--> statement-breakpoint
ALTER TABLE "incident_presence" ADD CONSTRAINT "incident_presence_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_photos" ADD CONSTRAINT "report_photos_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_photos" ADD CONSTRAINT "report_photos_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_photos_report" ON "report_photos" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_photos_created" ON "report_photos" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reports_sender" ON "reports" USING btree ("sender_digest") WHERE sender_digest is not null;--> statement-breakpoint
CREATE INDEX "reports_callback_held" ON "reports" USING btree ("received_at") WHERE callback is not null or sender_digest is not null;