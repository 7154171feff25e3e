// How a fake loses the answer to a create it carried out: a 503 instead, or no answer until the client gives up.
import type { Context } from 'hono';

/** `status-503`: the order is created, the answer says 503. `hang`: the order is created, no answer comes. */
export type LostAnswer = 'status-503' | 'hang';

export interface LostAnswers {
  /** The next successful create is carried out at the gateway, then its answer is lost as asked. */
  loseNext(how: LostAnswer): void;
  /** Runs a create handler; if a loss is queued and the create succeeded, loses its answer. */
  around(c: Context, create: () => Response | Promise<Response>): Promise<Response>;
  /** Ends every withheld answer (the fake is closing). */
  release(): void;
}

export function lostAnswers(): LostAnswers {
  const queue: LostAnswer[] = [];
  const withheld = new Set<() => void>();
  return {
    loseNext(how) {
      queue.push(how);
    },
    async around(c, create) {
      const res = await create();
      if (queue.length === 0 || res.status >= 300) return res;
      if (queue.shift() === 'hang') {
        // Held until the client aborts (its timeout) or the fake closes; what is sent afterwards reaches no one.
        const signal = c.req.raw.signal;
        await new Promise<void>((resolve) => {
          const done = () => {
            withheld.delete(done);
            resolve();
          };
          withheld.add(done);
          if (signal.aborted) done();
          else signal.addEventListener('abort', done, { once: true });
        });
      }
      return new Response('Service Unavailable', { status: 503, headers: { 'content-type': 'text/plain' } });
    },
    release() {
      for (const done of [...withheld]) done();
    },
  };
}
