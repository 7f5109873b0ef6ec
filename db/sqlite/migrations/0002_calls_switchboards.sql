CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`call_type` text NOT NULL,
	`caller_group_id` text,
	`callee_group_id` text,
	`switchboard_id` text,
	`conference_id` text,
	`document` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calls_state` ON `calls` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `calls_caller_group` ON `calls` (`caller_group_id`,`id`);--> statement-breakpoint
CREATE INDEX `calls_callee_group` ON `calls` (`callee_group_id`,`id`);--> statement-breakpoint
CREATE TABLE `cdrs` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`group_id` text,
	`call_type` text NOT NULL,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`presented_caller_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`answered_at` integer,
	`ended_at` integer NOT NULL,
	`billable_seconds` integer NOT NULL,
	`tariff_class` text NOT NULL,
	`rate_fen_per_minute` integer NOT NULL,
	`charge_fen` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cdrs_call_unique` ON `cdrs` (`call_id`);--> statement-breakpoint
CREATE INDEX `cdrs_group_started` ON `cdrs` (`group_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `cdrs_started` ON `cdrs` (`started_at`);--> statement-breakpoint
CREATE TABLE `sim_subscribers` (
	`msisdn` text PRIMARY KEY NOT NULL,
	`behaviour` text NOT NULL,
	`after_seconds` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `switchboard_extensions` (
	`switchboard_id` text NOT NULL,
	`extension` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`switchboard_id`, `extension`),
	FOREIGN KEY (`switchboard_id`) REFERENCES `switchboards`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `switchboard_extensions_member` ON `switchboard_extensions` (`member_id`);--> statement-breakpoint
CREATE TABLE `switchboard_operators` (
	`switchboard_id` text NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`switchboard_id`, `member_id`),
	FOREIGN KEY (`switchboard_id`) REFERENCES `switchboards`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `switchboards` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`pilot_number` text NOT NULL,
	`greeting` text NOT NULL,
	`after_hours_greeting` text,
	`business_hours` text,
	`menu` text NOT NULL,
	`outbound_prefix` text,
	`fallback` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `switchboards_pilot_unique` ON `switchboards` (`pilot_number`);--> statement-breakpoint
CREATE INDEX `switchboards_group` ON `switchboards` (`group_id`);