ALTER TABLE "assignments" ADD COLUMN "pair_id" uuid;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "salute" jsonb;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "missed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "responder_profiles" ADD COLUMN "offer_phone" text;