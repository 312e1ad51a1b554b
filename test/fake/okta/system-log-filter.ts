import { oktaErrors } from './okta-errors.js';
import type { LogEventRecord } from './system-log.js';

/**
 * The subset of the System Log `filter` expression language a poller uses:
 * `attr eq|ne|sw|co "value"`, `and`, `or`, parentheses. An attribute on `target` matches when any target does,
 * as Okta evaluates `target.id eq "0oa…"`. Anything else is a 400 E0000031, like Okta's invalid filter.
 */
export type LogPredicate = (event: LogEventRecord) => boolean;

type Token = { kind: 'word' | 'string' | 'open' | 'close'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', text: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < input.length && input[j] !== '"') {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        text += input[j];
        j++;
      }
      if (j >= input.length) throw oktaErrors.invalidSearch('unterminated string in filter');
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()"]/.test(input[j]!)) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const ATTRIBUTES: Record<string, (e: LogEventRecord) => string[]> = {
  eventtype: (e) => [e.eventType],
  uuid: (e) => [e.uuid],
  severity: () => ['INFO'],
  'outcome.result': () => ['SUCCESS'],
  'actor.id': (e) => [e.actor.id],
  'actor.alternateid': (e) => [e.actor.alternateId],
  'target.id': (e) => e.target.map((t) => t.id),
  'target.type': (e) => e.target.map((t) => t.type),
  'target.alternateid': (e) => e.target.map((t) => t.alternateId),
  'target.displayname': (e) => e.target.map((t) => t.displayName),
};

const OPERATORS: Record<string, (actual: string, expected: string) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  sw: (a, b) => a.startsWith(b),
  co: (a, b) => a.includes(b),
};

export function parseLogFilter(input: string): LogPredicate {
  const tokens = tokenize(input);
  let pos = 0;
  const peekWord = () => (tokens[pos]?.kind === 'word' ? tokens[pos]!.text.toLowerCase() : null);

  function expression(): LogPredicate {
    let left = conjunction();
    while (peekWord() === 'or') {
      pos++;
      const l = left;
      const r = conjunction();
      left = (e) => l(e) || r(e);
    }
    return left;
  }
  function conjunction(): LogPredicate {
    let left = comparison();
    while (peekWord() === 'and') {
      pos++;
      const l = left;
      const r = comparison();
      left = (e) => l(e) && r(e);
    }
    return left;
  }
  function comparison(): LogPredicate {
    const token = tokens[pos++];
    if (token?.kind === 'open') {
      const inner = expression();
      if (tokens[pos++]?.kind !== 'close') throw oktaErrors.invalidSearch('missing ) in filter');
      return inner;
    }
    const attribute = token?.kind === 'word' ? ATTRIBUTES[token.text.toLowerCase()] : undefined;
    if (!attribute) throw oktaErrors.invalidSearch(`unsupported attribute '${token?.text ?? ''}' in filter`);
    const op = OPERATORS[peekWord() ?? ''];
    if (!op) throw oktaErrors.invalidSearch(`unsupported operator '${tokens[pos]?.text ?? ''}' in filter`);
    pos++;
    const value = tokens[pos++];
    if (value?.kind !== 'string') throw oktaErrors.invalidSearch('a filter value must be a quoted string');
    return (e) => attribute(e).some((actual) => op(actual, value.text));
  }

  const predicate = expression();
  if (pos !== tokens.length) throw oktaErrors.invalidSearch(`unexpected '${tokens[pos]!.text}' in filter`);
  return predicate;
}
