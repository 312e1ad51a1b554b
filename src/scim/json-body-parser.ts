import type { FastifyInstance, FastifyRequest } from 'fastify';
import { overBudget } from './scim-budgets.js';

/** Strings are skipped with indexOf since they are most of a body; malformed text is left to the parser. */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = closingQuote(text, i);
      if (end < 0) return false;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The first quote after an even run of backslashes; -1 if none. */
function closingQuote(text: string, open: number): number {
  let end = open;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

export const tooDeep = (maxDepth: number) =>
  overBudget('jsonDepth', maxDepth, 'the nesting of arrays and objects in the request', 'send a flatter body: a SCIM resource or PatchOp nests only a few levels', 'invalidSyntax');

/** Nesting is checked before JSON.parse, which on an absurdly deep body blocks the event loop for every tenant. */
export function useJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (exceedsJsonDepth(text, maxDepth)) {
      done(tooDeep(maxDepth), undefined);
      return;
    }
    parse(request, text, done);
  });
}
