ALTER TABLE "alerts" ADD COLUMN "edited_by" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "snapshot" jsonb;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "snapshot_hash" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "documents" jsonb;--> statement-breakpoint
-- Backfill: the author of every existing alert counts as its editor.
UPDATE "alerts" SET "edited_by" = ARRAY["created_by"];
