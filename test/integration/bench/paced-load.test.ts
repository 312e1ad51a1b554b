import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaced } from '../../../bench/paced-load.js';

/** A raw HTTP server: each response goes out in two writes `splitMs` apart, so the generator sees partial responses. */
async function splitServer(splitMs: number, status = (path: string) => (path.includes('missing') ? 404 : 200)) {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const path = buffered.slice(4, buffered.indexOf(' ', 4));
        buffered = buffered.slice(end + 4);
        const code = status(path);
        const body = JSON.stringify({ path, note: 'ü'.repeat(50) });
        const response = `HTTP/1.1 ${code} ${code === 200 ? 'OK' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
        const bytes = Buffer.from(response);
        const cut = bytes.length - 20;
        socket.write(bytes.subarray(0, cut));
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (socket.writable) socket.write(bytes.subarray(cut));
        }, splitMs);
        timers.add(timer);
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('runPaced', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('answers every due request through responses split across reads, and counts latency from when each was due', async () => {
    const server = await splitServer(5);
    close = server.close;
    const result = await runPaced(server.url, { accept: 'application/json' }, ['/a', '/b'], { rate: 200, duration: 0.5, warmup: 0.1, connections: 4 });
    expect(result.due).toBe(100);
    expect(result.answered).toBe(100);
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    // Every answer waited for its second half.
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(result.worstWindows.length).toBeGreaterThan(0);
    expect(result.worstWindows[0]!.maxMs).toBe(result.latencyMs.max);
  });

  it('counts non-2xx answers and keeps samples of them', async () => {
    const server = await splitServer(1);
    close = server.close;
    const result = await runPaced(server.url, {}, ['/found', '/missing'], { rate: 100, duration: 0.4, warmup: 0, connections: 2 });
    expect(result.answered).toBe(40);
    expect(result.non2xx).toBe(20);
    expect(result.errorSamples[0]).toMatch(/^404 \{"path":"\/missing"/);
  });

  it('counts requests a stalled server never answers as errors', async () => {
    const server = await splitServer(60_000);
    close = server.close;
    const result = await runPaced(server.url, {}, ['/a'], { rate: 50, duration: 0.2, warmup: 0, connections: 2, drainMs: 200 });
    expect(result.answered).toBe(0);
    expect(result.errors).toBe(result.due);
  });
});
