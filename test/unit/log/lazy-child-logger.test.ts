import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/create-logger.js';
import { lazyChildLogger } from '../../../src/log/lazy-child-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('lazyChildLogger', () => {
  it('makes the pino child only when first used, and then logs with its bindings', () => {
    const { lines, log } = capture();
    let children = 0;
    const parent = { ...log, child: (...args: Parameters<typeof log.child>) => (children++, log.child(...args)) } as unknown as FastifyBaseLogger;
    const lazy = lazyChildLogger(parent, { reqId: 'r1' }, {});
    expect(children).toBe(0);
    lazy.info({ workspaceId: 'acme' }, 'hello');
    lazy.warn('again');
    expect(children).toBe(1);
    expect(lines).toMatchObject([
      { reqId: 'r1', workspaceId: 'acme', msg: 'hello', level: 30 },
      { reqId: 'r1', msg: 'again', level: 40 },
    ]);
    expect(lazy.level).toBe('info');
    lazy.child({ workspaceId: 'globex' }).error('nested');
    expect(lines.at(-1)).toMatchObject({ reqId: 'r1', workspaceId: 'globex', msg: 'nested', level: 50 });
    expect(children).toBe(1);
    // Redaction still applies to what goes through it.
    lazy.info({ token: 'secret-value' }, 'redacted');
    expect(JSON.stringify(lines.at(-1))).not.toContain('secret-value');
  });

  it('gives children that are lazy as well: nothing is made until one of them writes', () => {
    const { lines, log } = capture();
    let children = 0;
    const parent = { ...log, child: (...args: Parameters<typeof log.child>) => (children++, log.child(...args)) } as unknown as FastifyBaseLogger;
    const perWorkspace = lazyChildLogger(parent, { reqId: 'r2' }, {}).child({ workspaceId: 'acme' });
    expect(children).toBe(0);
    perWorkspace.error({ err: new Error('boom') }, 'could not write');
    expect(children).toBe(1);
    expect(lines).toMatchObject([{ reqId: 'r2', workspaceId: 'acme', msg: 'could not write', level: 50 }]);
  });

  it("is accepted by Fastify as its childLoggerFactory, and request logs carry the request's id", async () => {
    const { lines, log } = capture();
    const app = Fastify({ loggerInstance: log as unknown as FastifyBaseLogger, childLoggerFactory: lazyChildLogger, genReqId: () => 'req-42', disableRequestLogging: true });
    app.get('/', async (request) => {
      request.log.info('inside');
      return { ok: true };
    });
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-42', msg: 'inside' })]);
    await app.close();
  });
});
