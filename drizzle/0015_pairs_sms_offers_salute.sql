ALTER TABLE "assignments" ADD COLUMN "pair_id" uuid;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "salute" jsonb;--> statement-breakpoint
ALTER TABLE "responder_profiles" ADD COLUMN "offer_phone" text;