// One HTTP attempt: POST with a deadline, classified as ok / http error / network error / timeout; reads ≤ a snippet.
import { SNIPPET_CHARS } from './body.ts';

export type PostResult =
  | { kind: 'ok'; status: number }
  | { kind: 'http'; status: number; snippet: string }
  | { kind: 'network'; error: string }
  | { kind: 'timeout' };

/** Reads at most `max` characters of the response, then lets the rest go (a shop's error page can be large). */
async function readSnippet(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, max);
}

/** A network error as a short code (ECONNREFUSED, …): undici's messages can carry the URL, which may hold a token. */
function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return err instanceof Error ? err.name : 'unknown';
}

export async function postOnce(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    // redirect: 'manual' — a 3xx is a failure to fix in the shop's URL, and is never followed to another host.
    const res = await fetchFn(url, { method: 'POST', headers, body, redirect: 'manual', signal: ctl.signal });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'ok', status: res.status };
    }
    return { kind: 'http', status: res.status, snippet: await readSnippet(res, SNIPPET_CHARS).catch(() => '') };
  } catch (err) {
    if (ctl.signal.aborted) return { kind: 'timeout' };
    return { kind: 'network', error: networkCode(err) };
  } finally {
    clearTimeout(timer);
  }
}
