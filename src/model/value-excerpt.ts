export const EXCERPT_CHARACTERS = 64;

const SENSITIVE_NAME = /password|secret|token|credential|apikey|api_key/i;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** `max` counts code points. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let points = 0; points < max && end < text.length; points++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return end >= text.length ? text : `${text.slice(0, end)}…`;
}

/** For error details: arrays and objects by kind only. */
export function valueExcerpt(value: unknown, attributeName = ''): string {
  if (attributeName !== '' && isSensitiveName(attributeName)) return 'a value (not shown)';
  if (typeof value === 'string') return JSON.stringify(truncateText(value, EXCERPT_CHARACTERS));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} ${value.length === 1 ? 'entry' : 'entries'}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

const SHOWN_PATH_CHARACTERS = 100;

export function shownPath(path: string): string {
  return truncateText(path, SHOWN_PATH_CHARACTERS);
}
