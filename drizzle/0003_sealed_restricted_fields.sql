ALTER TABLE "reports" ADD COLUMN "restricted" text;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "has_exact_location" boolean DEFAULT false NOT NULL;