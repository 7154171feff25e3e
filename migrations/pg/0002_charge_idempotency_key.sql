ALTER TABLE "charges" ADD COLUMN "idempotency_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Slots reserved before this column existed sent their charge id as the key (iumiCash RequestId): keep it.
UPDATE "charges" SET "idempotency_key" = "id";
