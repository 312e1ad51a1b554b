/** The most characters of a request's string a detail or log line shows: enough to recognise it, never megabytes. */
export const EXCERPT_CHARACTERS = 64;

/** Attribute names whose values are credentials: never shown, whatever their schema says. */
const SENSITIVE_NAME = /password|secret|token|credential|apikey|api_key/i;

/** True for an attribute whose value a detail or log must never show (a password, a secret, a token). */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** `text` cut to its first `max` code points, with "…" when something was cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let points = 0; points < max && end < text.length; points++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return end >= text.length ? text : `${text.slice(0, end)}…`;
}

/**
 * How a SCIM error detail shows a value the request sent: a string as a quoted prefix of at most
 * EXCERPT_CHARACTERS, a number or boolean as itself, an array or object by its kind and size only (it may hold a
 * password or megabytes). The value of an attribute named like a credential is never shown.
 */
export function valueExcerpt(value: unknown, attributeName = ''): string {
  if (attributeName !== '' && isSensitiveName(attributeName)) return 'a value (not shown)';
  if (typeof value === 'string') return JSON.stringify(truncateText(value, EXCERPT_CHARACTERS));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} ${value.length === 1 ? 'entry' : 'entries'}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** The most characters of a PATCH path a detail repeats: enough to show which operation, never a whole long filter. */
const SHOWN_PATH_CHARACTERS = 100;

/** A PATCH path as an error detail repeats it, cut to SHOWN_PATH_CHARACTERS. */
export function shownPath(path: string): string {
  return truncateText(path, SHOWN_PATH_CHARACTERS);
}
