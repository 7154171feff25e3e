#!/usr/bin/env node
// The `opencharge-merchant` command: loads the TypeScript CLI through tsx (Bun runs it natively).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
