DROP INDEX `proofs_issuer_txid_idx`;--> statement-breakpoint
CREATE INDEX `proofs_issuer_txid_rows_idx` ON `proofs` (`issuer`,`txid`);--> statement-breakpoint
CREATE UNIQUE INDEX `proofs_issuer_txid_idx` ON `proofs` (`issuer`,`txid`) WHERE verdict <> 'form_a_not_from_issuer';