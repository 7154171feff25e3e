#!/usr/bin/env node
// The `opencharge-merchant` command (package.json's bin: the compiled dist/cli/main.js; Bun runs this file as is).
import { main } from './index.ts';

process.exitCode = await main(process.argv.slice(2));
