CREATE TABLE "sms_answered" (
	"message_sid" text PRIMARY KEY NOT NULL,
	"answered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sms_answered_answered_at" ON "sms_answered" USING btree ("answered_at");