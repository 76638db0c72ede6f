CREATE TABLE "plan_texts" (
	"source_ref" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL
);
