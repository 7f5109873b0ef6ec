CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`key_id` text,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer NOT NULL,
	`resource` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_key` ON `audit_log` (`key_id`,`id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `hash_scheme` text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `prefix` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `revoked_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit_per_second` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `previous_key_hash` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `previous_hash_scheme` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `previous_valid_until` integer;