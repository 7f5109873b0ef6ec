ALTER TABLE `calls` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `conferences` ADD `version` integer DEFAULT 1 NOT NULL;