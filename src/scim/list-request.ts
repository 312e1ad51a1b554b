import { getCi, type JsonObject } from './ci-object.js';
import { invalidValue } from './scim-error.js';

/** The parameters of a SCIM list or .search request (RFC 7644 §3.4.2), validated. */
export interface ListRequest {
  filter?: string;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy?: string;
  descending: boolean;
  attributes: string[];
  excludedAttributes: string[];
}

export interface ListLimits {
  defaultCount: number;
  maxCount: number;
}

const splitList = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
};

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer, got ${JSON.stringify(value)}`);
  // A page past every result is an empty page, not a database error: keep huge values within what SQL can bind.
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(n, Number.MAX_SAFE_INTEGER));
}

/** From a query string (GET) or a SearchRequest body (POST /.search); both have the same names. */
export function parseListRequest(source: JsonObject, limits: ListLimits): ListRequest {
  const filter = getCi(source, 'filter');
  if (filter !== undefined && filter !== null && typeof filter !== 'string') throw invalidValue('filter must be a string');
  // RFC 7644: a startIndex below 1 is interpreted as 1; a count above the maximum is reduced to it.
  const startIndex = Math.max(1, integer(getCi(source, 'startIndex'), 'startIndex') ?? 1);
  const requested = integer(getCi(source, 'count'), 'count');
  const count = Math.min(Math.max(0, requested ?? limits.defaultCount), limits.maxCount);
  const sortBy = getCi(source, 'sortBy');
  const sortOrder = getCi(source, 'sortOrder');
  if (sortOrder !== undefined && sortOrder !== null && !/^(ascending|descending)$/i.test(String(sortOrder))) {
    throw invalidValue(`sortOrder must be "ascending" or "descending", got ${JSON.stringify(sortOrder)}`);
  }
  return {
    ...(typeof filter === 'string' && filter.trim() !== '' ? { filter } : {}),
    startIndex,
    count,
    ...(typeof sortBy === 'string' && sortBy !== '' ? { sortBy } : {}),
    descending: typeof sortOrder === 'string' && sortOrder.toLowerCase() === 'descending',
    attributes: splitList(getCi(source, 'attributes')),
    excludedAttributes: splitList(getCi(source, 'excludedAttributes')),
  };
}
