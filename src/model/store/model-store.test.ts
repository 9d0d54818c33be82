// Pull / list / verify / rm against a local fake hub that speaks Hugging Face's headers (x-linked-etag, ranges):
// resume after a cut connection, checksum mismatch, 401/403/404, a second concurrent pull, offline, truncation.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBundle } from '../../../test/helpers/demo-bundles.js';
import type { CatalogueBundle } from './catalogue.js';
import { listBundles, pullBundle, removeBundle, verifyBundle } from './model-store.js';

interface HubFile {
  body: Buffer;
  /** Published hash (defaults to the true one). */
  linkedEtag?: string;
  status?: number;
  /** Destroy the connection after this many bytes, once. */
  cutAfter?: number;
}
const hub = new Map<string, HubFile>();
const ranges: string[] = [];
let server: Server;
let endpoint: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const file = hub.get(decodeURIComponent(req.url!.replace(/^\//, '')));
  if (!file) return void res.writeHead(404).end('Entry not found');
  if (file.status) return void res.writeHead(file.status).end('Access to model is restricted');
  const sha = file.linkedEtag ?? createHash('sha256').update(file.body).digest('hex');
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  if (req.headers.range) ranges.push(`${req.url} ${req.headers.range}`);
  const start = range ? Number(range[1]) : 0;
  const body = file.body.subarray(start);
  res.writeHead(range ? 206 : 200, {
    'content-length': body.length,
    'x-linked-etag': `"${sha}"`,
    'x-linked-size': file.body.length,
    ...(range ? { 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}` } : {}),
  });
  if (file.cutAfter !== undefined && file.cutAfter < body.length) {
    const cut = file.cutAfter;
    delete file.cutAfter;
    // Give the client time to take the bytes before the cut, so the resume point is deterministic.
    res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 100));
    return;
  }
  res.end(body);
}

const catalogue: CatalogueBundle[] = [
  {
    name: 'tiny-tracker',
    label: 'tiny tracker (test)',
    description: 'demo PVS graphs served by the fake hub',
    dtypes: ['fp32'],
    files: () =>
      ['onnx/vision_encoder.onnx', 'onnx/prompt_encoder_mask_decoder.onnx'].map((path) => ({
        path,
        source: { kind: 'hf' as const, repo: 'test/tiny-tracker', path },
      })),
  },
  {
    name: 'gated',
    label: 'gated',
    description: '',
    dtypes: ['fp32'],
    files: () => [{ path: 'a.onnx', source: { kind: 'hf', repo: 'test/gated', path: 'a.onnx' } }],
  },
  {
    name: 'missing',
    label: 'missing',
    description: '',
    dtypes: ['fp32'],
    files: () => [{ path: 'a.onnx', source: { kind: 'hf', repo: 'test/missing', path: 'a.onnx' } }],
  },
  {
    name: 'tampered',
    label: 'tampered',
    description: '',
    dtypes: ['fp32'],
    files: () => [{ path: 'a.onnx', source: { kind: 'hf', repo: 'test/tampered', path: 'a.onnx' } }],
  },
];

let graphs: Record<string, Buffer>;
beforeAll(async () => {
  const demo = await demoBundle(504);
  graphs = {};
  for (const path of ['onnx/vision_encoder.onnx', 'onnx/prompt_encoder_mask_decoder.onnx']) {
    graphs[path] = await readFile(join(demo, path));
    hub.set(`test/tiny-tracker/resolve/main/${path}`, { body: graphs[path]! });
  }
  hub.set('test/gated/resolve/main/a.onnx', { body: Buffer.from('x'), status: 403 });
  hub.set('test/tampered/resolve/main/a.onnx', { body: Buffer.from('payload'), linkedEtag: '0'.repeat(64) });
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

const store = async () => ({ root: await mkdtemp(join(tmpdir(), 'sam3-store-')), hfEndpoint: endpoint, catalogue });

describe('model store', () => {
  it('pulls, resumes a cut download with a Range request, verifies, lists and removes', async () => {
    const options = await store();
    const path = 'test/tiny-tracker/resolve/main/onnx/vision_encoder.onnx';
    hub.get(path)!.cutAfter = 1000;
    await expect(pullBundle('tiny-tracker', 'fp32', options)).rejects.toMatchObject({
      code: 'MODEL_DOWNLOAD_FAILED',
      message: expect.stringMatching(/run the same command again to resume/),
    });
    expect((await listBundles(options.root))[0]?.complete ?? []).toEqual([]);
    const installed = await pullBundle('tiny-tracker', 'fp32', options);
    expect(ranges).toContain(`/${path} bytes=1000-`);
    expect(installed.complete).toEqual(['fp32']);
    for (const [file, body] of Object.entries(graphs)) {
      expect(await readFile(join(options.root, 'tiny-tracker', file))).toEqual(body);
      expect(installed.files[file]).toMatchObject({ bytes: body.length, verified: true });
    }
    expect(await verifyBundle(join(options.root, 'tiny-tracker'))).toEqual([]);
    expect((await listBundles(options.root)).map((b) => b.name)).toEqual(['tiny-tracker']);
    // A second pull has nothing to do.
    expect((await pullBundle('tiny-tracker', 'fp32', options)).files).toEqual(installed.files);
    await removeBundle(options.root, 'tiny-tracker');
    expect(await listBundles(options.root)).toEqual([]);
  });

  it('verify catches a truncated graph and a changed byte', async () => {
    const options = await store();
    await pullBundle('tiny-tracker', 'fp32', options);
    const file = join(options.root, 'tiny-tracker', 'onnx/prompt_encoder_mask_decoder.onnx');
    await truncate(file, (await stat(file)).size - 10);
    expect(await verifyBundle(join(options.root, 'tiny-tracker'))).toEqual([
      expect.stringMatching(/prompt_encoder_mask_decoder.onnx: \d+ bytes, expected \d+/),
    ]);
    const body = Buffer.from(graphs['onnx/prompt_encoder_mask_decoder.onnx']!);
    body.writeUInt8(body.readUInt8(body.length - 1) ^ 1, body.length - 1);
    await writeFile(file, body);
    expect(await verifyBundle(join(options.root, 'tiny-tracker'))).toEqual([expect.stringMatching(/SHA-256 differs/)]);
  });

  it('verify fails a bundle a failed pull left with only its manifest, or with part of a catalogue dtype', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sam3-verify-'));
    await mkdir(join(root, 'sam3'), { recursive: true });
    await writeFile(
      join(root, 'sam3', 'manifest.json'),
      JSON.stringify({ name: 'sam3', label: 'SAM 3', files: {}, complete: [] }),
    );
    expect(await verifyBundle(join(root, 'sam3'))).toEqual([
      expect.stringMatching(/no graphs installed .*sam3 models pull sam3/),
    ]);
    await writeFile(join(root, 'sam3', 'x.onnx'), 'x');
    const sha256 = createHash('sha256').update('x').digest('hex');
    await writeFile(
      join(root, 'sam3', 'manifest.json'),
      JSON.stringify({
        name: 'sam3',
        files: { 'x.onnx': { bytes: 1, sha256, verified: true, dtype: 'fp32' } },
        complete: [],
      }),
    );
    expect((await verifyBundle(join(root, 'sam3')))[0]).toMatch(/^fp32: incomplete, missing /);
  });

  it('a checksum mismatch removes the partial file', async () => {
    const options = await store();
    await expect(pullBundle('tampered', 'fp32', options)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
    await expect(stat(join(options.root, 'tampered', 'a.onnx.part'))).rejects.toThrow();
    await expect(stat(join(options.root, 'tampered', 'a.onnx'))).rejects.toThrow();
  });

  it('403 names the repository and HF_TOKEN; 404 says the file is missing; offline fails fast', async () => {
    const options = await store();
    await expect(pullBundle('gated', 'fp32', options)).rejects.toMatchObject({
      code: 'MODEL_ACCESS_DENIED',
      message: expect.stringMatching(/test\/gated.*HF_TOKEN/),
    });
    await expect(pullBundle('missing', 'fp32', options)).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringMatching(/HTTP 404/),
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    await expect(
      pullBundle('tiny-tracker', 'fp32', { ...options, hfEndpoint: `http://127.0.0.1:${port}` }),
    ).rejects.toMatchObject({
      code: 'MODEL_DOWNLOAD_FAILED',
      message: expect.stringMatching(/Could not reach 127\.0\.0\.1:\d+.*ECONNREFUSED/),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(pullBundle('nope', 'fp32', options)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(pullBundle('tiny-tracker', 'q4', options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('two concurrent pulls of one bundle: one installs, the other is refused by the lock, nothing is corrupted', async () => {
    const options = await store();
    const results = await Promise.allSettled([
      pullBundle('tiny-tracker', 'fp32', options),
      pullBundle('tiny-tracker', 'fp32', options),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      code: 'MODEL_LOCKED',
    });
    expect(await verifyBundle(join(options.root, 'tiny-tracker'))).toEqual([]);
  });

  it('goes through the proxy from HTTP_PROXY/HTTPS_PROXY, and straight past it for NO_PROXY hosts', async () => {
    const tunnels: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: import('node:stream').Duplex, head: Buffer) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const options = { ...(await store()), proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '' } };
      expect((await pullBundle('tiny-tracker', 'fp32', options)).complete).toEqual(['fp32']);
      // How many tunnels a pull opens depends on when the agent can reuse one (timing on a busy machine): at least
      // one, each to the model host.
      expect(tunnels.length).toBeGreaterThanOrEqual(1);
      expect(new Set(tunnels)).toEqual(new Set([new URL(endpoint).host]));
      const through = tunnels.length;
      const direct = { ...(await store()), proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '127.0.0.1' } };
      await pullBundle('tiny-tracker', 'fp32', direct);
      expect(tunnels.length).toBe(through);
    } finally {
      proxy.close();
    }
  });
});
