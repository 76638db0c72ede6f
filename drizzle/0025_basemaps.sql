CREATE TABLE "basemap_chunks" (
	"basemap_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "basemap_chunks_basemap_id_index_pk" PRIMARY KEY("basemap_id","index")
);
--> statement-breakpoint
CREATE TABLE "basemaps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"size" bigint NOT NULL,
	"etag" text NOT NULL,
	"chunk_size" integer NOT NULL,
	"min_zoom" smallint NOT NULL,
	"max_zoom" smallint NOT NULL,
	"west" double precision NOT NULL,
	"south" double precision NOT NULL,
	"east" double precision NOT NULL,
	"north" double precision NOT NULL,
	"attribution" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "basemap_chunks" ADD CONSTRAINT "basemap_chunks_basemap_id_basemaps_id_fk" FOREIGN KEY ("basemap_id") REFERENCES "public"."basemaps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "basemaps" ADD CONSTRAINT "basemaps_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "basemaps_coalition" ON "basemaps" USING btree ("coalition_id");