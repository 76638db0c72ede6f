CREATE TABLE "evidence_working_copies" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"sha256" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evidence_items" ADD COLUMN "working_copy" text;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD COLUMN "working_copy_width" integer;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD COLUMN "working_copy_height" integer;--> statement-breakpoint
ALTER TABLE "evidence_working_copies" ADD CONSTRAINT "evidence_working_copies_item_id_evidence_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."evidence_items"("id") ON DELETE cascade ON UPDATE no action;