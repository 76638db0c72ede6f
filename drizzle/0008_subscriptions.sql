CREATE TABLE "subscription_zones" (
	"zone_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	CONSTRAINT "subscription_zones_zone_id_subscription_id_pk" PRIMARY KEY("zone_id","subscription_id")
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"coalition_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"contact" text NOT NULL,
	"contact_digest" text NOT NULL,
	"language" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"pending" jsonb,
	"confirm_token_hash" text,
	"manage_token_hash" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscription_zones" ADD CONSTRAINT "subscription_zones_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_zones" ADD CONSTRAINT "subscription_zones_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_zones_subscription" ON "subscription_zones" USING btree ("subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_contact" ON "subscriptions" USING btree ("coalition_id","channel","contact_digest");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_confirm_token" ON "subscriptions" USING btree ("confirm_token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_manage_token" ON "subscriptions" USING btree ("manage_token_hash");