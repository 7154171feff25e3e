CREATE TABLE `charges` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`gateway` text NOT NULL,
	`reference` text NOT NULL,
	`payment_url` text NOT NULL,
	`status` text NOT NULL,
	`gateway_status` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `charges_order_gateway_idx` ON `charges` (`order_id`,`gateway`);--> statement-breakpoint
CREATE INDEX `charges_gateway_reference_idx` ON `charges` (`gateway`,`reference`);--> statement-breakpoint
CREATE INDEX `charges_status_idx` ON `charges` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`locked_until` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_event_idx` ON `deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`order_id` text NOT NULL,
	`type` text NOT NULL,
	`created_at` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_idx` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_order_idx` ON `events` (`order_id`);--> statement-breakpoint
CREATE TABLE `nonces` (
	`ocid` integer NOT NULL,
	`nonce` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`ocid`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `nonces_expires_idx` ON `nonces` (`expires_at`);--> statement-breakpoint
CREATE TABLE `orders` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`caller_ocid` integer NOT NULL,
	`request_hash` text NOT NULL,
	`status` text NOT NULL,
	`amount` text NOT NULL,
	`currency` text NOT NULL,
	`reference` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`paid_at` integer,
	`txid` text,
	`paid_late` integer DEFAULT false NOT NULL,
	`payment_mismatch` integer DEFAULT false NOT NULL,
	`order_json` text NOT NULL,
	`signature` text NOT NULL,
	`response_body` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_id_idx` ON `orders` (`id`);--> statement-breakpoint
CREATE INDEX `orders_reference_idx` ON `orders` (`reference`);--> statement-breakpoint
CREATE INDEX `orders_status_expires_idx` ON `orders` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `proofs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`issuer` integer NOT NULL,
	`txid` text NOT NULL,
	`sender_ocid` integer NOT NULL,
	`order_id` text,
	`proof_json` text NOT NULL,
	`signature` text NOT NULL,
	`proof_hash` text NOT NULL,
	`form` text NOT NULL,
	`verdict` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proofs_issuer_txid_idx` ON `proofs` (`issuer`,`txid`);--> statement-breakpoint
CREATE INDEX `proofs_order_idx` ON `proofs` (`order_id`);