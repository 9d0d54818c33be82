// A client that never finishes sending its body is cut off (408) after the body timeout, so slow-body connections
// cannot pile up; a client that sends in time is served.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TEST_LIMITS, build } from '../helpers/build-app.js';

describe('body timeout', () => {
  it('closes a connection whose body stalls, answering 408', async () => {
    const { app } = await build({ limits: { ...TEST_LIMITS, bodyTimeoutMs: 1_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.write(
      'POST /v1/segment HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"image":',
    );
    const closed = await Promise.race([
      new Promise<boolean>((resolve) => socket.on('close', () => resolve(true))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000)),
    ]);
    socket.destroy();
    expect(closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // An ordinary request on a fresh connection is still served.
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ok.status).toBe(200);
  }, 30_000);
});
