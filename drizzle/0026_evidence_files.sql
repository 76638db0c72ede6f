ALTER TABLE "evidence_chunks" ALTER COLUMN "sealed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "evidence_chunks" ADD COLUMN "blob" text;--> statement-breakpoint
ALTER TABLE "evidence_chunks" ADD CONSTRAINT "evidence_chunks_kept_once" CHECK (("evidence_chunks"."sealed" is null) <> ("evidence_chunks"."blob" is null));