CREATE TABLE `group_calendars` (
	`group_id` text PRIMARY KEY NOT NULL,
	`holidays` text NOT NULL,
	`workdays` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ringback_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`seq` integer NOT NULL,
	`name` text NOT NULL,
	`applies_to` text NOT NULL,
	`schedule` text,
	`tone_ids` text NOT NULL,
	`playback` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ringback_policies_group` ON `ringback_policies` (`group_id`,`seq`);--> statement-breakpoint
CREATE TABLE `ringback_tones` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`title` text NOT NULL,
	`duration_seconds` integer NOT NULL,
	`production_fee_fen` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ringback_tones_group` ON `ringback_tones` (`group_id`,`id`);