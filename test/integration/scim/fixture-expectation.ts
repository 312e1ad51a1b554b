import { expect } from 'vitest';
import { substitute, type Fixture, type Scim, type ScimResponse } from './scim-kit.js';

/**
 * What a one-behaviour fixture (test/fixture/{entra,okta}) promises about its outcome, in the fixture's optional
 * `expect` block. The compat unit tests check the normalised request; this checks what the real server did
 * with it: the answer, and what a GET of the resource shows afterwards. Captured ids in the block stand for
 * the ids the server gave out (the same swap `sendBehaviourFixture` makes in the request).
 */
export interface FixtureExpectation {
  /** The exact status, where "some 2xx" is not enough (201 for a create, 204 for a group PATCH). */
  status?: number;
  /** A subset of the response body (partial match). */
  response?: Record<string, unknown>;
  /** A subset of what a GET of the resource shows afterwards (partial match; member lists compared as sets). */
  stored?: Record<string, unknown>;
  /** Attributes a GET of the resource must not show (a password, one sent as null): segments joined by `/`, since URNs hold dots. */
  storedWithout?: string[];
  /** The resource is gone afterwards: its GET answers 404. */
  gone?: boolean;
}

export type ExpectingFixture = Fixture & { expect?: FixtureExpectation };

/** The URL of the resource a fixture wrote: the PUT/PATCH/DELETE target, or what a POST created. */
function resourceUrl(fixture: Fixture, response: ScimResponse, ids: Record<string, string>): string {
  const path = substitute(fixture.path, ids);
  if (/^\/(Users|Groups)\/[^/]+$/.test(path)) return path;
  if (fixture.method.toUpperCase() === 'POST' && /^\/(Users|Groups)$/.test(path) && typeof response.body?.id === 'string') return `${path}/${response.body.id}`;
  throw new Error(`${fixture.file}: an expectation about the stored resource needs a /Users/{id} or /Groups/{id} target or a create, not ${fixture.method} ${fixture.path}`);
}

/** Members in a stable order (by id), so a subset match does not depend on the order the server lists them. */
function membersSorted(resource: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(resource.members)) return resource;
  const members = [...(resource.members as { value: string }[])].sort((a, b) => a.value.localeCompare(b.value));
  return { ...resource, members };
}

function has(resource: unknown, path: string): boolean {
  let at: unknown = resource;
  for (const part of path.split('/')) {
    if (typeof at !== 'object' || at === null || !(part in at)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return true;
}

/** Check a fixture's `expect` block against the server's answer and, where it says so, a GET of the resource. */
export async function expectFixtureOutcome(scim: Scim, fixture: ExpectingFixture, response: ScimResponse, ids: Record<string, string>): Promise<void> {
  const expected = fixture.expect;
  if (!expected) return;
  const described = `${fixture.file}: ${fixture.method} ${fixture.path} answered ${response.status} ${JSON.stringify(response.body)}`;
  if (expected.status !== undefined) expect(response.status, described).toBe(expected.status);
  if (expected.response) expect(response.body, described).toMatchObject(substitute(expected.response, ids));
  if (!expected.stored && !expected.storedWithout && !expected.gone) return;

  const url = resourceUrl(fixture, response, ids);
  const read = await scim.get(url);
  const shown = `${fixture.file}: GET ${url} shows ${read.status} ${JSON.stringify(read.body)}`;
  if (expected.gone) {
    expect(read.status, shown).toBe(404);
    return;
  }
  expect(read.status, shown).toBe(200);
  if (expected.stored) expect(membersSorted(read.body), shown).toMatchObject(membersSorted(substitute(expected.stored, ids)));
  for (const path of expected.storedWithout ?? []) expect(has(read.body, path), `${shown}: ${path} must not be stored`).toBe(false);
}
