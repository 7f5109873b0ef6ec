CREATE TABLE `call_events` (
	`call_id` text NOT NULL,
	`seq` integer NOT NULL,
	`event` text NOT NULL,
	PRIMARY KEY(`call_id`, `seq`),
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `call_events` (`call_id`, `seq`, `event`) SELECT `calls`.`id`, `e`.`key`, `e`.`value` FROM `calls`, json_each(`calls`.`document`, '$.events') AS `e`;--> statement-breakpoint
UPDATE `calls` SET `document` = json_remove(`document`, '$.events');
