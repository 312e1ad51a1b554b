import { SECRET_MARKER } from './fuzz-strings.js';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * Longest detail, in characters (code points), that still names what was wrong without quoting the request at
 * length: room for one identifier within its budget (scim.budgets.identifierLength, 512), not for an unbounded value.
 */
export const MAX_DETAIL_LENGTH = 1_000;

export interface FuzzResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * What is wrong with one answer, as short labels (empty when nothing is): a 5xx; a 4xx that is not a SCIM Error
 * body with a matching status and a detail, or not application/scim+json; a detail that quotes the request at
 * length or names a secret.
 */
export function responseProblems(response: FuzzResponse): string[] {
  if (response.status >= 500) return [`HTTP ${response.status}`];
  if (response.status < 400) return [];
  const problems: string[] = [];
  if (!response.contentType?.startsWith('application/scim+json')) problems.push(`content-type ${response.contentType ?? 'missing'}`);
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return [...problems, 'body is not JSON'];
  }
  const error = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(error.schemas) || !error.schemas.includes(ERROR_URN)) problems.push('no Error schema');
  if (error.status !== String(response.status)) problems.push(`body status ${JSON.stringify(error.status)}`);
  if (typeof error.detail !== 'string' || error.detail.trim() === '') problems.push('no detail');
  else {
    const characters = [...error.detail].length;
    if (characters > MAX_DETAIL_LENGTH) problems.push(`detail of ${characters} characters`);
    if (error.detail.includes(SECRET_MARKER)) problems.push('detail quotes a password');
  }
  return problems;
}
