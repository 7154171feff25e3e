// Public surface of the pure protocol core.
export * from './amount.ts';
export * from './backend.ts';
export * from './canonical.ts';
export * from './errors.ts';
export * from './headers.ts';
export * from './hex.ts';
export * from './i-json.ts';
export * from './keys.ts';
export { nobleBackend } from './noble.ts';
export * from './signature.ts';
