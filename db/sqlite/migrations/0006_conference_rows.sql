CREATE TABLE `conference_participants` (
	`conference_id` text NOT NULL,
	`position` integer NOT NULL,
	`document` text NOT NULL,
	PRIMARY KEY(`conference_id`, `position`),
	FOREIGN KEY (`conference_id`) REFERENCES `conferences`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `conference_participants` (`conference_id`, `position`, `document`) SELECT `conferences`.`id`, `p`.`key`, `p`.`value` FROM `conferences`, json_each(`conferences`.`document`, '$.participants') AS `p`;--> statement-breakpoint
UPDATE `conferences` SET `document` = json_remove(`document`, '$.participants');--> statement-breakpoint
CREATE TABLE `__new_conference_events` (
	`conference_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event` text NOT NULL,
	PRIMARY KEY(`conference_id`, `seq`),
	FOREIGN KEY (`conference_id`) REFERENCES `conferences`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_conference_events` (`conference_id`, `seq`, `event`) SELECT `conference_id`, `seq`, `event` FROM `conference_events`;--> statement-breakpoint
DROP TABLE `conference_events`;--> statement-breakpoint
ALTER TABLE `__new_conference_events` RENAME TO `conference_events`;
