// Types of scripts/build.mjs (imported by the test setup).
export function build(): void;
export function buildIfStale(): void;
