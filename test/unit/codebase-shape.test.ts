import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Guards what makes the code easy to take over: small files, and comments that explain without crowding the code.

const ROOTS = ['src', 'connectors'];
const MAX_LINES = 400;
const MAX_COMMENT_SHARE = 0.12;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Characters inside comments, by TypeScript's own scanner (so `//` in a string or a URL is not one). */
function commentCharacters(text: string): number {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  let count = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) count += scanner.getTokenEnd() - scanner.getTokenStart();
  }
  return count;
}

describe('the codebase', () => {
  const files = ROOTS.flatMap(sourceFiles).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  it(`keeps every source file under ${MAX_LINES} lines`, () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter(({ text }) => text.split('\n').length > MAX_LINES).map(({ file }) => file)).toEqual([]);
  });

  it(`keeps comments under ${MAX_COMMENT_SHARE * 100}% of the source's characters`, () => {
    const total = files.reduce((sum, { text }) => sum + text.length, 0);
    const comments = files.reduce((sum, { text }) => sum + commentCharacters(text), 0);
    expect(comments / total).toBeLessThan(MAX_COMMENT_SHARE);
  });
});
