// Renders a console page: doctype + layout, HTML content type, the chosen status.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConsoleEnv, ConsoleSession } from './env.ts';
import { Layout, type Section } from './layout.tsx';

export interface PageOptions {
  section?: Section;
  script?: string;
  bare?: boolean;
}

export async function renderPage(c: Context<ConsoleEnv>, status: number, title: string, body: Child, o: PageOptions = {}): Promise<Response> {
  const session = c.get('session') as ConsoleSession | undefined;
  const page = (
    <Layout title={title} nonce={c.get('nonce')} merchant={c.get('merchantName')} csrf={session?.csrf} section={o.section} script={o.script} bare={o.bare}>
      {body}
    </Layout>
  );
  return c.html(`<!doctype html>${await page}`, status as ContentfulStatusCode);
}
