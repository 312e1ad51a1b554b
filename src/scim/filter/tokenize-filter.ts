import type { ScimError } from '../scim-error.js';
import { valueExcerpt } from '../../model/value-excerpt.js';

/** Shared by filters and PATCH paths. Words also cover URNs, numbers and keywords; the parser classifies them. */
export type FilterToken =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'string'; value: string; raw: string; position: number }
  | { kind: '(' | ')' | '[' | ']'; position: number }
  | { kind: 'end'; position: number };

export type SyntaxFailure = (detail: string) => ScimError;

const WORD_CHAR = /[A-Za-z0-9_\-:.$+]/;
const WHITESPACE = /\s/;

export function tokenizeFilter(text: string, label: string, fail: SyntaxFailure): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ kind: ch, position: i });
      i++;
    } else if (ch === '"') {
      const end = closingQuote(text, i);
      if (end < 0) throw fail(`${label}: unterminated string starting at position ${i}`);
      const raw = text.slice(i, end + 1);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw fail(`${label}: invalid escape in the string starting at position ${i}`);
      }
      // An escaped \u0000 passes the raw-text NUL check, and PostgreSQL text cannot hold it.
      if ((value as string).includes('\u0000')) {
        throw fail(`${label}: the string at position ${i} holds a NUL character (\\u0000), which rosterd cannot store or search for; remove it`);
      }
      tokens.push({ kind: 'string', value: value as string, raw, position: i });
      i = end + 1;
    } else if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), position: start });
    } else {
      const hint = ch === "'" ? '; string values take double quotes' : '';
      throw fail(`${label}: unexpected character ${valueExcerpt(ch)} at position ${i}${hint}`);
    }
  }
  tokens.push({ kind: 'end', position: text.length });
  return tokens;
}

function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') i++;
    else if (ch === '"') return i;
  }
  return -1;
}
