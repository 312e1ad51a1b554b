// xsd:dateTime (RFC 7643 §2.3.5) plus a bare date; the offset is optional in xsd, and we read a
// missing one as UTC rather than as the server's local time so results do not depend on the host.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The ISO-8601 UTC text the store keeps (`2026-11-23T15:00:00.000Z`) for a dateTime literal, or
 * undefined when the text is not a valid date-time. Stored values compare as text because every
 * one has this exact shape.
 */
export function normalizeDateTime(text: string): string | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, date, time, offset] = match;
  const iso = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${offset ?? 'Z'}`;
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime())) return undefined;
  // Date rolls 2026-02-30 over to March; refuse instead of silently matching another day.
  const calendar = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(calendar.getTime()) || calendar.toISOString().slice(0, 10) !== date) return undefined;
  return parsed.toISOString();
}
