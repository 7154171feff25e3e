// The shapes createClient sends and returns (src/client/index.ts): order requests, signed orders, statuses, proofs, metadata.
export interface OrderRequest {
  amount?: string;
  currency?: string;
  id?: string;
  reference?: string;
  memo?: string;
  expiresAt?: number;
  [field: string]: unknown;
}

/** A signed order as the merchant returns it from POST /orders/create and GET /orders/{id}. */
export interface SignedOrder {
  order: { id: string; ocid: number; amount: string; currency: string; [field: string]: unknown };
  signature: string;
  urls: { order: string[]; completed?: string; cancelled?: string; [name: string]: unknown };
  [field: string]: unknown;
}

export interface OrderStatus {
  orderId: string;
  status: string;
  paidAt?: number;
  txid?: string;
  [field: string]: unknown;
}

export interface Capabilities {
  ocid: number;
  name: string;
  capabilities: string[];
  settlement?: unknown;
  [field: string]: unknown;
}

export interface TransferProof {
  txid: string;
  issuer: number;
  from: { ocid: number; reference?: string };
  to: { ocid: number; reference: string };
  amount: string;
  currency: string;
  timestamp: number;
  [field: string]: unknown;
}

export interface SignedProof {
  proof: TransferProof;
  signature: string;
}

export interface ProofAnswer {
  status: string;
  [field: string]: unknown;
}

export interface MerchantMetadata {
  ocid: number;
  name?: string;
  config: { publicKey: string; endpoint: string; capabilities?: string[]; settlement?: unknown; [field: string]: unknown };
  signature: string;
  [field: string]: unknown;
}
