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

/**
 * What a failed command prints on stderr: its message, never a stack trace. A start-up error lists every problem,
 * one per line, each naming its setting.
 */
export function failureText(command: string, err: unknown): string {
  const lines = (err instanceof Error ? err.message : String(err)).split('\n');
  if (lines.length === 1) return `${command}: ${lines[0]}`;
  return [`${command}: ${lines.length} problems:`, ...lines.map((l) => `  ${l}`)].join('\n');
}

