/**
 * Rows in PostgreSQL's COPY text format (tab-separated columns, one line per row, `\N` for null), for
 * `COPY … FROM STDIN`. Backslash, tab, newline and carriage return are the only characters the format
 * requires escaped; everything else, multi-byte text included, goes through as is.
 */
export function copyText(columns: readonly string[], rows: readonly object[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) line += '\t';
      line += field(values[columns[c]!]);
    }
    lines.push(line);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch]!) : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  throw new TypeError(`COPY text: a column value must be a string, number, boolean or null, not ${typeof value}`);
}
