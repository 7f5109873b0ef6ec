CREATE TABLE `conference_events` (
	`conference_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event` text NOT NULL,
	PRIMARY KEY(`conference_id`, `seq`),
	FOREIGN KEY (`conference_id`) REFERENCES `conferences`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `conference_groups` (
	`conference_id` text NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`conference_id`, `group_id`),
	FOREIGN KEY (`conference_id`) REFERENCES `conferences`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `conference_groups_group` ON `conference_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `conferences` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text,
	`state` text NOT NULL,
	`pin` text NOT NULL,
	`host_msisdn` text NOT NULL,
	`start_at` integer,
	`ended_at` integer,
	`participant_minutes` integer,
	`charge_fen` integer,
	`document` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conferences_live_pin` ON `conferences` (`pin`) WHERE state <> 'ended';--> statement-breakpoint
CREATE INDEX `conferences_state` ON `conferences` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `conferences_group_ended` ON `conferences` (`group_id`,`ended_at`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text,
	`owner_msisdn` text,
	`name` text NOT NULL,
	`msisdn` text NOT NULL,
	`department` text,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_group_msisdn_unique` ON `contacts` (`group_id`,`msisdn`) WHERE group_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_owner_msisdn_unique` ON `contacts` (`owner_msisdn`,`msisdn`) WHERE owner_msisdn IS NOT NULL;