import { findClosingBracket } from './scim-path.js';

/**
 * Quotes bare string values (Entra sends `externalId eq jyoung`) and turns "True"/"False" on `active`/`primary`
 * into literals. Unparseable text comes back unchanged for the core to reject. Runs before budgets, so it is linear
 * and never recurses.
 */
export function normalizeFilter(text: string): string {
  const tokens = tokenize(text);
  if (tokens === null) return text;
  const edits = collectEdits(text, tokens);
  if (edits === null || edits.length === 0) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const edit of edits) {
    parts.push(text.slice(copied, edit.start), edit.replacement);
    copied = edit.end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** For the value filter inside a PATCH path. */
export function normalizePathFilter(path: string): string {
  const open = path.indexOf('[');
  if (open < 0) return path;
  const close = findClosingBracket(path, open);
  if (close < 0) return path;
  const inner = path.slice(open + 1, close);
  return path.slice(0, open + 1) + normalizeFilter(inner) + path.slice(close);
}

type TokenKind = 'string' | 'word' | '(' | ')' | '[' | ']';
interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}
interface Edit {
  start: number;
  end: number;
  replacement: string;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
const BOOLEAN_ATTRIBUTES = new Set(['active', 'primary']);
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS = new Set(['true', 'false', 'null']);

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ kind: ch, start: i, end: i + 1 });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return null;
      tokens.push({ kind: 'string', start: i, end: j + 1 });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()[\]]/.test(text[j]!)) j++;
      tokens.push({ kind: 'word', start: i, end: j });
      i = j;
    }
  }
  return tokens;
}

function terminalName(attrPath: string): string {
  const afterColon = attrPath.slice(attrPath.lastIndexOf(':') + 1);
  return afterColon.slice(afterColon.lastIndexOf('.') + 1).toLowerCase();
}

/** Null when the text does not parse. */
function collectEdits(text: string, tokens: Token[]): Edit[] | null {
  const edits: Edit[] = [];
  const nesting: Array<'(' | '['> = [];
  let state: 'operand' | 'operator' | 'value' | 'logical' = 'operand';
  let attribute = '';
  const word = (t: Token | undefined) => (t?.kind === 'word' ? text.slice(t.start, t.end) : undefined);

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const lower = word(token)?.toLowerCase();

    if (state === 'operand') {
      if (token.kind === '(') {
        nesting.push('(');
        i++;
      } else if (lower === 'not' && tokens[i + 1]?.kind === '(') {
        i++;
      } else if (token.kind === 'word') {
        attribute = word(token)!;
        if (tokens[i + 1]?.kind === '[') {
          nesting.push('[');
          i += 2;
        } else {
          state = 'operator';
          i++;
        }
      } else {
        return null;
      }
    } else if (state === 'operator') {
      if (lower === 'pr') state = 'logical';
      else if (lower !== undefined && COMPARE_OPS.has(lower)) state = 'value';
      else return null;
      i++;
    } else if (state === 'value') {
      if (token.kind === 'string') {
        const edit = booleanStringEdit(text, token, attribute);
        if (edit) edits.push(edit);
        i++;
      } else if (token.kind === 'word') {
        // An unquoted value runs to the next and/or, so one with spaces stays one value.
        let last = i;
        while (tokens[last + 1]?.kind === 'word' && !['and', 'or'].includes(word(tokens[last + 1])!.toLowerCase())) last++;
        const edit = unquotedValueEdit(text, token.start, tokens[last]!.end);
        if (edit) edits.push(edit);
        i = last + 1;
      } else {
        return null;
      }
      state = 'logical';
    } else {
      if (lower === 'and' || lower === 'or') {
        state = 'operand';
        i++;
      } else if (token.kind === ')' && nesting.pop() === '(') {
        i++;
      } else if (token.kind === ']' && nesting.pop() === '[') {
        // Entra's `emails[type eq "work"].value`: a sub-attribute glued to `]`.
        const next = tokens[i + 1];
        if (next?.kind === 'word' && next.start === token.end && word(next)!.startsWith('.')) {
          attribute = word(next)!;
          state = 'operator';
          i += 2;
        } else {
          i++;
        }
      } else {
        return null;
      }
    }
  }
  return state === 'logical' && nesting.length === 0 ? edits : null;
}

function booleanStringEdit(text: string, token: Token, attribute: string): Edit | null {
  if (!BOOLEAN_ATTRIBUTES.has(terminalName(attribute))) return null;
  let content: unknown;
  try {
    content = JSON.parse(text.slice(token.start, token.end));
  } catch {
    return null;
  }
  if (typeof content !== 'string') return null;
  const lower = content.toLowerCase();
  return lower === 'true' || lower === 'false' ? { start: token.start, end: token.end, replacement: lower } : null;
}

function unquotedValueEdit(text: string, start: number, end: number): Edit | null {
  const raw = text.slice(start, end);
  const lower = raw.toLowerCase();
  if (LITERALS.has(lower)) return raw === lower ? null : { start, end, replacement: lower };
  if (JSON_NUMBER.test(raw)) return null;
  return { start, end, replacement: JSON.stringify(raw) };
}
