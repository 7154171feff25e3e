// Reads the settings' files: `.env` in the working directory and the optional OC_CONFIG JSON file (the environment wins).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig, type Config, type ConfigLayers, ConfigError } from '../config.ts';
import { JsonSyntaxError, parseJsonText } from '../json-text.ts';

type Env = Record<string, string | undefined>;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * `.env` in `cwd`, parsed the way Node's process.loadEnvFile and Bun parse it (util.parseEnv, on both runtimes), under
 * the real environment. Only that one file: Bun's own loading (.env.local, .env.production…) is turned off by
 * bunfig.toml and `--no-env-file`, so a runtime never changes which settings apply.
 */
function readDotenv(cwd: string): ConfigLayers['dotenv'] {
  const path = resolve(cwd, '.env');
  let text: string | undefined;
  try {
    text = readText(path);
  } catch (err) {
    throw new ConfigError(`.env: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return text === undefined ? undefined : { path, values: parseEnv(text) };
}

function readConfigFile(name: string, cwd: string): ConfigLayers['file'] {
  const path = resolve(cwd, name);
  let text: string | undefined;
  try {
    text = readText(path);
  } catch (err) {
    throw new ConfigError(`OC_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (text === undefined) throw new ConfigError(`OC_CONFIG: ${path} does not exist (fix the path, or unset OC_CONFIG)`);
  let parsed: unknown;
  try {
    parsed = parseJsonText(text, path);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ConfigError(`OC_CONFIG: ${err.message}`);
    throw err;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`OC_CONFIG: ${path} must hold a JSON object of OC_* settings, like {"OC_PORT": 8787}`);
  return { path, values: parsed as Record<string, unknown> };
}

/** The Config for `env` (the real environment) run in `cwd`: with `.env` under it, and the OC_CONFIG file under both. */
export function loadConfigFromEnv(env: Env, cwd: string): Config {
  const dotenv = readDotenv(cwd);
  const configName = env.OC_CONFIG || dotenv?.values.OC_CONFIG;
  const file = configName ? readConfigFile(configName, cwd) : undefined;
  return loadConfig(env, { dotenv, file });
}
