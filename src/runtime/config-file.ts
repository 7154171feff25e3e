// Reads the optional OC_CONFIG JSON file (same OC_* keys as the environment; the environment wins).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type Config, ConfigError } from '../config.ts';

export function loadConfigFromEnv(env: Record<string, string | undefined>, cwd: string): Config {
  let file: Record<string, unknown> = {};
  if (env.OC_CONFIG) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(resolve(cwd, env.OC_CONFIG), 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('must hold a JSON object');
      file = parsed as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`OC_CONFIG: cannot use ${env.OC_CONFIG}: ${(err as Error).message}`);
    }
  }
  return loadConfig(env, file);
}
