CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`group_ids` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`institution_type` text NOT NULL,
	`value_tier` text NOT NULL,
	`province` text NOT NULL,
	`city` text,
	`timezone` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`principal` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`body_hash` text NOT NULL,
	`status_code` integer,
	`response_body` text,
	`content_type` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`principal`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`msisdn` text NOT NULL,
	`name` text NOT NULL,
	`name_pinyin` text NOT NULL,
	`name_initials` text NOT NULL,
	`department` text,
	`title` text,
	`home_province` text NOT NULL,
	`status` text NOT NULL,
	`short_code` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_msisdn_unique` ON `members` (`msisdn`);--> statement-breakpoint
CREATE UNIQUE INDEX `members_group_short_code_unique` ON `members` (`group_id`,`short_code`) WHERE short_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX `members_group_department` ON `members` (`group_id`,`department`);--> statement-breakpoint
CREATE TABLE `message_recipients` (
	`message_id` text NOT NULL,
	`msisdn` text NOT NULL,
	`member_id` text,
	`group_id` text,
	PRIMARY KEY(`message_id`, `msisdn`),
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `message_recipients_msisdn` ON `message_recipients` (`msisdn`,`message_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`from_number` text NOT NULL,
	`to_dialled` text NOT NULL,
	`text` text NOT NULL,
	`at` integer NOT NULL,
	`sender_display` text NOT NULL,
	`group_id` text,
	`kind` text DEFAULT 'sms' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_from` ON `messages` (`from_number`,`id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subgroup_members` (
	`subgroup_id` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`subgroup_id`, `member_id`),
	FOREIGN KEY (`subgroup_id`) REFERENCES `subgroups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subgroup_members_member` ON `subgroup_members` (`member_id`);--> statement-breakpoint
CREATE TABLE `subgroups` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`name` text NOT NULL,
	`short_code` text,
	`onnet_rate_fen_per_minute` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subgroups_group_short_code_unique` ON `subgroups` (`group_id`,`short_code`) WHERE short_code IS NOT NULL;--> statement-breakpoint
CREATE TABLE `tariff_versions` (
	`effective_from` text PRIMARY KEY NOT NULL,
	`rates` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vpns` (
	`group_id` text PRIMARY KEY NOT NULL,
	`short_code_min` integer NOT NULL,
	`short_code_max` integer NOT NULL,
	`cross_province` integer NOT NULL,
	`show_short_code` integer NOT NULL,
	`onnet_rate_fen_per_minute` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
