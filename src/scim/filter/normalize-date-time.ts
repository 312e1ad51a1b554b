// A missing offset is read as UTC, not server local time, so results do not depend on the host.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** The store's ISO-8601 UTC text for a dateTime literal; every stored value has this shape, so text compares. */
export function normalizeDateTime(text: string): string | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, date, time, offset] = match;
  const iso = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${offset ?? 'Z'}`;
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime())) return undefined;
  // Date rolls 2026-02-30 over to March; refuse instead of matching another day.
  const calendar = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(calendar.getTime()) || calendar.toISOString().slice(0, 10) !== date) return undefined;
  return parsed.toISOString();
}
