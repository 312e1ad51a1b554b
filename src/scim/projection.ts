import { isJsonObject, type JsonObject } from './json-object.js';

/** `attributes` / `excludedAttributes` on a rendered resource; `id` and `schemas` are always returned. */
export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

const ALWAYS = new Set(['id', 'schemas']);

interface Target {
  /** Attribute or extension URN, lower-case. */
  top: string;
  /** Extension attribute or sub-attribute, lower-case. */
  rest: string[];
}

function toTarget(path: string, extensionUrns: string[], coreUrn: string): Target {
  const lower = path.toLowerCase();
  for (const urn of [coreUrn, ...extensionUrns]) {
    const u = urn.toLowerCase();
    if (lower === u) return { top: u, rest: [] };
    if (lower.startsWith(`${u}:`)) {
      const rest = lower.slice(u.length + 1).split('.');
      return urn === coreUrn ? { top: rest[0]!, rest: rest.slice(1) } : { top: u, rest };
    }
  }
  const [top, ...rest] = lower.split('.');
  return { top: top!, rest };
}

function pick(value: unknown, rest: string[]): unknown {
  if (rest.length === 0) return value;
  const [head, ...tail] = rest;
  if (Array.isArray(value)) {
    const picked = value.map((v) => pick(v, rest)).filter((v) => v !== undefined);
    return picked.length ? picked : undefined;
  }
  if (!isJsonObject(value)) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === head);
  if (key === undefined) return undefined;
  const inner = pick(value[key], tail);
  return inner === undefined ? undefined : { [key]: inner };
}

function merge(into: JsonObject, key: string, value: unknown): void {
  const existing = into[key];
  if (isJsonObject(existing) && isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) merge(existing, k, v);
  } else if (Array.isArray(existing) && Array.isArray(value)) {
    into[key] = existing.map((e, i) => (isJsonObject(e) && isJsonObject(value[i]) ? { ...e, ...(value[i] as JsonObject) } : e));
  } else {
    into[key] = value;
  }
}

function drop(value: unknown, rest: string[]): unknown {
  if (rest.length === 0) return undefined;
  if (Array.isArray(value)) return value.map((v) => drop(v, rest));
  if (!isJsonObject(value)) return value;
  const [head, ...tail] = rest;
  const copy: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() !== head) copy[k] = v;
    else if (tail.length) copy[k] = drop(v, tail);
  }
  return copy;
}

export function wantsAttribute(projection: Projection, name: string): boolean {
  const lower = name.toLowerCase();
  const excluded = projection.excludedAttributes.some((p) => p.toLowerCase() === lower || p.toLowerCase().endsWith(`:${lower}`));
  if (excluded) return false;
  if (projection.attributes.length === 0) return true;
  return projection.attributes.some((p) => {
    const l = p.toLowerCase();
    return l === lower || l.startsWith(`${lower}.`) || l.endsWith(`:${lower}`) || l.includes(`:${lower}.`);
  });
}

export function project(resource: JsonObject, projection: Projection, extensionUrns: string[], coreUrn: string): JsonObject {
  if (projection.attributes.length === 0 && projection.excludedAttributes.length === 0) return resource;
  const keyOf = (top: string) => Object.keys(resource).find((k) => k.toLowerCase() === top);
  if (projection.attributes.length > 0) {
    const out: JsonObject = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key];
    for (const path of projection.attributes) {
      const target = toTarget(path, extensionUrns, coreUrn);
      const key = keyOf(target.top);
      if (key === undefined) continue;
      const value = target.rest.length ? pick(resource[key], target.rest) : resource[key];
      if (value !== undefined) merge(out, key, value);
    }
    return out;
  }
  const out: JsonObject = { ...resource };
  for (const path of projection.excludedAttributes) {
    const target = toTarget(path, extensionUrns, coreUrn);
    const key = keyOf(target.top);
    if (key === undefined || ALWAYS.has(key)) continue;
    if (target.rest.length === 0) {
      // `out` is our own copy, so delete in place rather than copy per excluded attribute.
      delete out[key];
    } else {
      out[key] = drop(out[key], target.rest);
    }
  }
  return out;
}
