// A shop's webhook endpoint on 127.0.0.1: records every delivery (headers and body) and answers with the reply the test sets.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from './http-server.ts';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`: what OC_WEBHOOK_URL points at. */
  url: string;
  received: Delivery[];
  /** What the next deliveries are answered with; change it to make the shop fail or recover. */
  reply: { status: number; body: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

export async function startWebhookReceiver(reply: WebhookReceiver['reply'] = { status: 200, body: '' }): Promise<WebhookReceiver> {
  const received: Delivery[] = [];
  const receiver = { reply } as WebhookReceiver;
  const server = createServer(async (req, res) => {
    received.push({ headers: req.headers, body: await readBody(req) });
    res.writeHead(receiver.reply.status, receiver.reply.headers).end(receiver.reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(receiver, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => closeServer(server) });
}
