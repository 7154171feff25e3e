// What a CLI command is given: its arguments and where to write (so tests can capture output).
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Working directory for relative paths. */
  cwd: string;
}

export type Command = (args: string[], io: CliIO) => Promise<number>;

export function nodeIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Minimal `--flag value` / `--flag=value` / `--switch` parser; positionals are kept in order. */
export function parseFlags(args: string[], switches: readonly string[] = []): { flags: Record<string, string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
    else if (switches.includes(a.slice(2))) flags[a.slice(2)] = 'true';
    else {
      const v = args[i + 1];
      if (v === undefined) throw new Error(`${a} needs a value`);
      flags[a.slice(2)] = v;
      i++;
    }
  }
  return { flags, positional };
}
