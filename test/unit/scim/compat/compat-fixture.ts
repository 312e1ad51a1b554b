import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One captured IdP request and what the core must receive after normalisation (test/fixture/{entra,okta}). */
export interface CompatFixture {
  file: string;
  description: string;
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  body: unknown;
  normalized: unknown;
  normalizedQuery?: Record<string, string>;
}

export interface SequenceStep {
  name?: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  expectStatus: number;
  expectTotalResults?: number;
  saveAs?: string;
}

export interface SequenceFixture {
  file: string;
  description: string;
  steps: SequenceStep[];
}

function fixtureDir(dialect: 'entra' | 'okta'): string {
  return fileURLToPath(new URL(`../../../fixture/${dialect}/`, import.meta.url));
}

function readJson(dialect: 'entra' | 'okta', file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${fixtureDir(dialect)}${file}`, 'utf8')) as Record<string, unknown>;
}

function jsonFiles(dialect: 'entra' | 'okta'): string[] {
  return readdirSync(fixtureDir(dialect))
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Every one-behaviour fixture of a dialect (the sequence-*.json files excluded). */
export function loadFixtures(dialect: 'entra' | 'okta'): CompatFixture[] {
  return jsonFiles(dialect)
    .filter((file) => !file.startsWith('sequence-'))
    .map((file) => ({ file, ...(readJson(dialect, file) as Omit<CompatFixture, 'file'>) }));
}

/** Every sequence-*.json fixture of a dialect. */
export function loadSequences(dialect: 'entra' | 'okta'): SequenceFixture[] {
  return jsonFiles(dialect)
    .filter((file) => file.startsWith('sequence-'))
    .map((file) => ({ file, ...(readJson(dialect, file) as Omit<SequenceFixture, 'file'>) }));
}

/** The resource type a route would pass for a fixture path. */
export function resourceTypeOf(path: string): 'User' | 'Group' | null {
  if (/^\/Users(\/|$|\?)/.test(path)) return 'User';
  if (/^\/Groups(\/|$|\?)/.test(path)) return 'Group';
  return null;
}

/** Every object key, at any depth, for which `match` is true. */
export function keysDeep(value: unknown, match: (key: string) => boolean): string[] {
  if (Array.isArray(value)) return value.flatMap((element) => keysDeep(element, match));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => [...(match(key) ? [key] : []), ...keysDeep(v, match)]);
}

/** Every string, at any depth (object keys excluded). */
export function stringsDeep(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsDeep);
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsDeep);
}
