ALTER TABLE "incident_messages" ADD COLUMN "audio" "bytea";--> statement-breakpoint
ALTER TABLE "incident_messages" ADD COLUMN "audio_type" text;