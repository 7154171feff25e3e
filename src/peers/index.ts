// Public surface of key resolution (PROFILE §5): the HTTP layer depends on KeyResolver only.
export type { KeyResolver, KeySource, ResolveFailure, ResolveOptions, ResolveResult } from './types.ts';
export { createPeerResolver, type PeerResolverOptions } from './resolver.ts';
export { loadPeersFile, parsePeers, type PeerEntry } from './peers-file.ts';
export { fetchMetadata, readMetadata, type MetadataResult } from './metadata.ts';
export { lookupRegistry, registryUrlFor, type RegistryResult } from './registry.ts';
export { fetchPeer, fetchPeerJson, MAX_BODY_BYTES, MAX_TIMEOUT_MS, type FetchPolicy, type FetchJsonResult, type PeerRequest, type PeerResponse } from './fetch-json.ts';
export type { HostResolver } from './address-policy.ts';
export { checkFetchUrl, isLoopbackHost, metadataUrlFor, urlForLog } from './url-policy.ts';
