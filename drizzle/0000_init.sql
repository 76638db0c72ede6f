CREATE TABLE "coalitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coalitions_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "domain_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"coalition_id" uuid NOT NULL,
	"type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"receipt" text NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"channel" text NOT NULL,
	"language" text NOT NULL,
	"activity" text NOT NULL,
	"agents" integer,
	"vehicles" integer,
	"uniforms" text[] DEFAULT '{}'::text[] NOT NULL,
	"markings" text,
	"equipment" text[] DEFAULT '{}'::text[] NOT NULL,
	"description" text,
	"firsthand" boolean NOT NULL,
	"zone_id" uuid,
	"h3_cell" text,
	"lat" double precision,
	"lng" double precision,
	"place" text,
	"observed_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"restricted_purged_at" timestamp with time zone,
	CONSTRAINT "reports_lat_lng_together" CHECK ((lat is null) = (lng is null)),
	CONSTRAINT "reports_has_location" CHECK (zone_id is not null or lat is not null or restricted_purged_at is not null)
);
--> statement-breakpoint
CREATE TABLE "zone_cells" (
	"zone_id" uuid NOT NULL,
	"cell" text NOT NULL,
	CONSTRAINT "zone_cells_zone_id_cell_pk" PRIMARY KEY("zone_id","cell")
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"boundary" jsonb NOT NULL,
	"h3_resolution" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zone_cells" ADD CONSTRAINT "zone_cells_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "domain_events_coalition_id" ON "domain_events" USING btree ("coalition_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_coalition_slug" ON "organizations" USING btree ("coalition_id","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_receipt" ON "reports" USING btree ("receipt");--> statement-breakpoint
CREATE INDEX "reports_coalition_received" ON "reports" USING btree ("coalition_id","received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "reports_received_unpurged" ON "reports" USING btree ("received_at") WHERE restricted_purged_at is null;--> statement-breakpoint
CREATE INDEX "zone_cells_cell" ON "zone_cells" USING btree ("cell");--> statement-breakpoint
CREATE UNIQUE INDEX "zones_coalition_slug" ON "zones" USING btree ("coalition_id","slug");