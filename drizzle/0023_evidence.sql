CREATE TABLE "evidence_chunks" (
	"item_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"offset" bigint NOT NULL,
	"length" integer NOT NULL,
	"final" boolean DEFAULT false NOT NULL,
	"sha256" "bytea" NOT NULL,
	"chain" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	CONSTRAINT "evidence_chunks_item_id_seq_pk" PRIMARY KEY("item_id","seq")
);
--> statement-breakpoint
CREATE TABLE "evidence_custody" (
	"item_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"event" text NOT NULL,
	"actor_id" uuid,
	"actor_role" text,
	"session_tag" text,
	"details" jsonb NOT NULL,
	"previous_hash" "bytea",
	"hash" "bytea" NOT NULL,
	CONSTRAINT "evidence_custody_item_id_seq_pk" PRIMARY KEY("item_id","seq")
);
--> statement-breakpoint
CREATE TABLE "evidence_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"coalition_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"assignment_id" uuid,
	"recorded_by" uuid NOT NULL,
	"recorded_role" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"content_type" text NOT NULL,
	"state" text DEFAULT 'receiving' NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"expected_bytes" bigint,
	"chunks" integer DEFAULT 0 NOT NULL,
	"chain" "bytea" NOT NULL,
	"sha256" "bytea",
	"client_sha256" "bytea",
	"duration_ms" integer,
	"device_started_at" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"last_received_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"retain_until" timestamp with time zone NOT NULL,
	"hold_reason" text,
	"hold_by" uuid,
	"hold_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_items_bytes" CHECK ("evidence_items"."bytes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "evidence_chunks" ADD CONSTRAINT "evidence_chunks_item_id_evidence_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."evidence_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_custody" ADD CONSTRAINT "evidence_custody_item_id_evidence_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."evidence_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_custody" ADD CONSTRAINT "evidence_custody_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD CONSTRAINT "evidence_items_coalition_id_coalitions_id_fk" FOREIGN KEY ("coalition_id") REFERENCES "public"."coalitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD CONSTRAINT "evidence_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD CONSTRAINT "evidence_items_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD CONSTRAINT "evidence_items_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_items" ADD CONSTRAINT "evidence_items_hold_by_users_id_fk" FOREIGN KEY ("hold_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_items_incident" ON "evidence_items" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "evidence_items_retain" ON "evidence_items" USING btree ("retain_until");--> statement-breakpoint
-- Sealed chunks are random bytes: PostgreSQL's compression would only spend CPU on them.
ALTER TABLE "evidence_chunks" ALTER COLUMN "sealed" SET STORAGE EXTERNAL;--> statement-breakpoint
-- The chain of custody is appended to, never changed: the database refuses it too (the hashes
-- show it when someone with the power to drop this trigger does it anyway).
CREATE FUNCTION "evidence_custody_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the chain of custody is append-only';
END
$$;--> statement-breakpoint
CREATE TRIGGER "evidence_custody_append_only" BEFORE UPDATE OR DELETE ON "evidence_custody"
  FOR EACH ROW EXECUTE FUNCTION "evidence_custody_append_only"();
