// The few Bun APIs this project uses (Bun.serve, bun:sqlite, import.meta.main), declared locally instead of bun-types.

interface ImportMeta {
  /** True in Bun when this module is the entry point; undefined under Node 20 and tsx. */
  readonly main?: boolean;
}

interface BunServer {
  readonly port: number;
  readonly hostname: string;
  /** Stops listening; without `true`, in-flight requests finish first. */
  stop(closeActiveConnections?: boolean): Promise<void>;
}

interface BunServeOptions {
  fetch: (request: Request, server: BunServer) => Response | Promise<Response>;
  hostname?: string;
  port?: number;
}

interface BunGlobal {
  readonly version: string;
  serve(options: BunServeOptions): BunServer;
}

/** Present only under Bun: always test `typeof Bun` first. */
declare var Bun: BunGlobal | undefined;

declare module 'bun:sqlite' {
  export interface DatabaseOptions {
    readonly?: boolean;
    create?: boolean;
    readwrite?: boolean;
    /** Bind `$name`/`:name`/`@name` without the prefix and throw on missing parameters. */
    strict?: boolean;
  }
  export interface Statement<Row = Record<string, unknown>> {
    get(...params: unknown[]): Row | null;
    all(...params: unknown[]): Row[];
    run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
    values(...params: unknown[]): unknown[][];
  }
  export class Database {
    constructor(filename?: string, options?: DatabaseOptions);
    exec(sql: string): void;
    query<Row = Record<string, unknown>>(sql: string): Statement<Row>;
    prepare<Row = Record<string, unknown>>(sql: string): Statement<Row>;
    close(throwOnError?: boolean): void;
    /** True while a transaction is open on this connection. */
    readonly inTransaction: boolean;
  }
}
