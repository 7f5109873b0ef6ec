ALTER TABLE "calls" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "conferences" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;