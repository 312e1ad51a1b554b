import type { JsonObject } from './json-object.js';
import { invalidValue } from './scim-error.js';
import { valueExcerpt } from '../model/value-excerpt.js';

export interface ListRequest {
  filter?: string;
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
  if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer, got ${valueExcerpt(value)}`);
  // A page past every result is empty, not a database error: keep huge values bindable.
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(n, Number.MAX_SAFE_INTEGER));
}

const PARAMETERS = ['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'] as const;
type Parameter = (typeof PARAMETERS)[number];
const PARAMETER_BY_LOWER = new Map<string, Parameter>(PARAMETERS.map((name) => [name.toLowerCase(), name]));

/** An exact-case name wins. */
function listParameters(source: JsonObject): Partial<Record<Parameter, unknown>> {
  const found: Partial<Record<Parameter, unknown>> = {};
  for (const key of Object.keys(source)) {
    const name = PARAMETER_BY_LOWER.get(key.toLowerCase());
    if (name && (key === name || !Object.hasOwn(found, name))) found[name] = source[key];
  }
  return found;
}

/** A query string or a SearchRequest body. */
export function parseListRequest(source: JsonObject, limits: ListLimits): ListRequest {
  const params = listParameters(source);
  const filter = params.filter;
  if (filter !== undefined && filter !== null && typeof filter !== 'string') throw invalidValue('filter must be a string');
  const startIndex = Math.max(1, integer(params.startIndex, 'startIndex') ?? 1);
  const requested = integer(params.count, 'count');
  const count = Math.min(Math.max(0, requested ?? limits.defaultCount), limits.maxCount);
  const sortBy = params.sortBy;
  const sortOrder = params.sortOrder;
  if (sortOrder !== undefined && sortOrder !== null && !/^(ascending|descending)$/i.test(String(sortOrder))) {
    throw invalidValue(`sortOrder must be "ascending" or "descending", got ${valueExcerpt(sortOrder)}`);
  }
  const request: ListRequest = {
    startIndex,
    count,
    descending: typeof sortOrder === 'string' && sortOrder.toLowerCase() === 'descending',
    attributes: splitList(params.attributes),
    excludedAttributes: splitList(params.excludedAttributes),
  };
  // Conditional assignment, not spreads: this runs on every read.
  if (typeof filter === 'string' && filter.trim() !== '') request.filter = filter;
  if (typeof sortBy === 'string' && sortBy !== '') request.sortBy = sortBy;
  return request;
}
