/** COPY text format; only backslash, tab, newline and CR need escaping. */
export function copyText(columns: readonly string[], rows: readonly object[]): string {
  // Appending to one string (a rope) beats joining lines.
  let text = '';
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    for (let c = 0; c < columns.length; c++) text += (c === 0 ? '' : '\t') + field(values[columns[c]!]);
    text += '\n';
  }
  return text;
}

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, escape) : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return scalar(value);
  throw new TypeError(`COPY text: a column value must be a string, number, boolean or null, not ${typeof value}`);
}

const escape = (ch: string): string => ESCAPES[ch]!;

function scalar(value: number | bigint | boolean): string {
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value);
}
