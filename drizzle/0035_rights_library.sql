CREATE TABLE "rights_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rights_text_versions" (
	"item_id" uuid NOT NULL,
	"language" text NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"change" text NOT NULL,
	"reviewed_by_organization" uuid,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rights_text_versions_item_id_language_version_pk" PRIMARY KEY("item_id","language","version")
);
--> statement-breakpoint
CREATE TABLE "rights_texts" (
	"item_id" uuid NOT NULL,
	"language" text NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"reviewed_by_organization" uuid,
	"reviewed_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rights_texts_item_id_language_pk" PRIMARY KEY("item_id","language")
);
--> statement-breakpoint
ALTER TABLE "rights_items" ADD CONSTRAINT "rights_items_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_text_versions" ADD CONSTRAINT "rights_text_versions_item_id_rights_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."rights_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_text_versions" ADD CONSTRAINT "rights_text_versions_reviewed_by_organization_organizations_id_fk" FOREIGN KEY ("reviewed_by_organization") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_text_versions" ADD CONSTRAINT "rights_text_versions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_texts" ADD CONSTRAINT "rights_texts_item_id_rights_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."rights_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_texts" ADD CONSTRAINT "rights_texts_reviewed_by_organization_organizations_id_fk" FOREIGN KEY ("reviewed_by_organization") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rights_texts" ADD CONSTRAINT "rights_texts_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rights_items_coalition_slug" ON "rights_items" USING btree ("coalition_id","slug");--> statement-breakpoint
CREATE INDEX "rights_text_versions_at" ON "rights_text_versions" USING btree ("item_id","at");