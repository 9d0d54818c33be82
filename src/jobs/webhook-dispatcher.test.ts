// Webhook delivery against a real loopback receiver: signature verifies, failures retry with backoff then give up,
// refused targets fail at once, and everything is recorded in the SQLite outbox.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../media/webhook-post.js';
import { SqliteJobStore } from './embedded/sqlite-job-store.js';
import { SqliteWebhookOutbox } from './embedded/sqlite-webhook-outbox.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.js';
import { createHmac } from 'node:crypto';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Received {
  headers: Record<string, string | undefined>;
  body: string;
}

async function receiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string | undefined>, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received };
}

function setup(url: string, allowNetworks: string[] = ['127.0.0.1/32']) {
  const dir = mkdtempSync(join(tmpdir(), 'sam3-webhook-'));
  const store = new SqliteJobStore(join(dir, 'jobs.db'));
  cleanup.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const secret = newWebhookSecret();
  const id = 'e'.repeat(32);
  store.insert({
    id,
    kind: 'image',
    model: 'm',
    input: {},
    createdAtMs: 1,
    expiresAtMs: Date.now() + 60_000,
    baseUrl: null,
    webhook: { url, surface: 'test' },
  });
  const claimed = store.claim('image', Date.now())!;
  const dispatcher = new WebhookDispatcher({
    outbox: new SqliteWebhookOutbox(store.db),
    getRecord: (x) => store.get(x),
    renderers: new Map([['test', (r) => ({ id: r.id, status: r.status })]]),
    secret: () => secret,
    send: (u, body, headers, signal) => postWebhook(u, body, headers, { allowNetworks, timeoutMs: 2_000 }, signal),
    retryDelaysMs: [20, 40],
  });
  cleanup.push(() => dispatcher.close());
  const finish = () => {
    store.finish(id, claimed.attempts, { status: 'completed', result: {}, inferenceMs: 1 }, Date.now(), 60_000);
    dispatcher.kick();
  };
  const webhookState = async (state: string) => {
    for (let i = 0; i < 200 && store.get(id)!.webhook!.state !== state; i++)
      await new Promise((r) => setTimeout(r, 10));
    return store.get(id)!.webhook!;
  };
  return { id, secret, finish, webhookState };
}

describe('webhook signatures', () => {
  it('signs "{id}.{timestamp}.{body}" with HMAC-SHA256 keyed by the secret minus whsec_, as v3,<hex>', () => {
    const expected = createHmac('sha256', 'abc').update('msg1.1700000000.{"a":1}').digest('hex');
    expect(signWebhook('whsec_abc', 'msg1', 1700000000, '{"a":1}')).toBe(`v3,${expected}`);
    const headers = { 'webhook-id': 'msg1', 'webhook-timestamp': '1700000000', 'webhook-signature': `v3,${expected}` };
    expect(verifyWebhook('whsec_abc', headers, '{"a":1}', 1700000100)).toBe(true);
    expect(verifyWebhook('whsec_abc', headers, '{"a":2}', 1700000100)).toBe(false);
    expect(verifyWebhook('whsec_abd', headers, '{"a":1}', 1700000100)).toBe(false);
    expect(verifyWebhook('whsec_abc', headers, '{"a":1}', 1700000400)).toBe(false);
  });
});

describe('WebhookDispatcher', () => {
  it('delivers a settled job once, signed', async () => {
    const rx = await receiver([200]);
    const t = setup(rx.url);
    t.finish();
    expect(await t.webhookState('delivered')).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(JSON.parse(got!.body)).toEqual({ id: t.id, status: 'completed' });
    expect(got!.headers['webhook-id']).toBe(t.id);
    expect(verifyWebhook(t.secret, got!.headers, got!.body)).toBe(true);
  });

  it('retries a failing receiver with backoff, then delivers', async () => {
    const rx = await receiver([500, 503, 200]);
    const t = setup(rx.url);
    t.finish();
    expect(await t.webhookState('delivered')).toMatchObject({ attempts: 3 });
    expect(rx.received).toHaveLength(3);
  });

  it('gives up after the last retry and records why', async () => {
    const rx = await receiver([500]);
    const t = setup(rx.url);
    t.finish();
    expect(await t.webhookState('failed')).toMatchObject({ state: 'failed', attempts: 3, lastError: 'HTTP 500' });
  });

  it('refuses a loopback target that the address policy does not allow, without retrying', async () => {
    const rx = await receiver([200]);
    const t = setup(rx.url, []);
    t.finish();
    const state = await t.webhookState('failed');
    expect(state.attempts).toBe(1);
    expect(state.lastError).toMatch(/Refusing to deliver a webhook to .*127\.0\.0\.1 is a loopback address/);
    expect(rx.received).toHaveLength(0);
  });
});
