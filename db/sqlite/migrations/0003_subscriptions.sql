CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`product` text NOT NULL,
	`package_id` text,
	`quantity` integer,
	`start_date` text NOT NULL,
	`end_date` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subscriptions_group` ON `subscriptions` (`group_id`,`start_date`);