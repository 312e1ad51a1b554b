import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/create-logger.js';

describe('logger', () => {
  it('redacts keys, tokens, secrets and passwords', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination });
    log.info({ req: { headers: { authorization: 'Bearer rosterd_abc_secret' } }, token: 't0k', password: 'hunter2', connector: { clientSecret: 's3' } }, 'x');
    const text = lines.join('');
    for (const secret of ['rosterd_abc_secret', 't0k', 'hunter2', 's3']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
