CREATE TABLE "emergency_plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"coalition_id" uuid NOT NULL,
	"code_digest" text NOT NULL,
	"pin_hash" text NOT NULL,
	"sealed" text NOT NULL,
	"contact_count" integer NOT NULL,
	"case_consent_at" timestamp with time zone,
	"case_consent_how" text,
	"test_mode" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"last_confirmed_at" timestamp with time zone NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "emergency_plans_code_digest_unique" UNIQUE("code_digest")
);
--> statement-breakpoint
CREATE TABLE "plan_activations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"coalition_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"source_ref" text NOT NULL,
	"test" boolean NOT NULL,
	"case_consent" boolean NOT NULL,
	"actor_id" uuid,
	"messages" integer NOT NULL,
	"case_opened_at" timestamp with time zone,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "plan_activations_source_ref_unique" UNIQUE("source_ref")
);
--> statement-breakpoint
CREATE TABLE "plan_attempts" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "emergency_plans" ADD CONSTRAINT "emergency_plans_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_activations" ADD CONSTRAINT "plan_activations_plan_id_emergency_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."emergency_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_activations" ADD CONSTRAINT "plan_activations_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plan_activations_plan" ON "plan_activations" USING btree ("plan_id","at");