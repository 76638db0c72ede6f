ALTER TABLE "assignments" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "present" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "check_in_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "safety" text DEFAULT 'ok' NOT NULL;