CREATE TABLE "translation_reviews" (
	"coalition_id" uuid NOT NULL,
	"part" text NOT NULL,
	"language" text NOT NULL,
	"status" text NOT NULL,
	"reviewed_by_organization" uuid,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "translation_reviews_coalition_id_part_language_pk" PRIMARY KEY("coalition_id","part","language")
);
--> statement-breakpoint
ALTER TABLE "translation_reviews" ADD CONSTRAINT "translation_reviews_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "translation_reviews" ADD CONSTRAINT "translation_reviews_reviewed_by_organization_organizations_id_fk" FOREIGN KEY ("reviewed_by_organization") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "translation_reviews" ADD CONSTRAINT "translation_reviews_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;