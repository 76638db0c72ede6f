CREATE TABLE "rights_clips" (
	"item_id" uuid NOT NULL,
	"language" text NOT NULL,
	"version" integer NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"status" text NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by_organization" uuid,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	CONSTRAINT "rights_clips_item_id_language_version_pk" PRIMARY KEY("item_id","language","version")
);
--> statement-breakpoint
ALTER TABLE "rights_clips" ADD CONSTRAINT "rights_clips_item_id_rights_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."rights_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_clips" ADD CONSTRAINT "rights_clips_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_clips" ADD CONSTRAINT "rights_clips_reviewed_by_organization_organizations_id_fk" FOREIGN KEY ("reviewed_by_organization") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_clips" ADD CONSTRAINT "rights_clips_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;