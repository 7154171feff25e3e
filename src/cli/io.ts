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
