import type { FilterNode } from '../filter/filter-ast.js';
import { matchesFilter } from '../filter/evaluate-filter.js';
import { normalizeDateTime } from '../filter/normalize-date-time.js';
import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { overBudget } from '../scim-budgets.js';
import { invalidValue } from '../scim-error.js';
import { elementIdentity, identifiedByValue } from './element-identity.js';
import { getValue, isJsonObject, jsonEqual, type JsonObject } from '../json-object.js';

/** Slots are never reused, so indexes stay valid. */
const GONE: unique symbol = Symbol('gone');

/**
 * One multi-valued attribute while a PATCH works on it, so N operations cost O(N + values): elements live in slots
 * that never move; an identity index answers adds and listed removes; equality filters use a lazily built
 * per-sub-attribute index (other filters scan, bounded by the budgets); primaries are tracked so keeping at most
 * one touches only them. `changes` feeds the operation's mutability check.
 */
export class MultiValuedState {
  private readonly slots: unknown[] = [];
  private readonly byIdentity = new Map<string, Set<number>>();
  /** Per lower-cased sub-attribute: string/boolean values → slots; `odd`: slots with any other value. */
  private readonly bySub = new Map<string, { keys: Map<string, Set<number>>; odd: Set<number> }>();
  private readonly primaries = new Set<number>();
  private readonly byValue: boolean;
  private readonly hasPrimary: boolean;
  /** The budget, or as many as it already had. */
  private readonly maxLive: number;
  live = 0;
  changes = 0;

  constructor(
    readonly attribute: SchemaAttribute,
    initial: readonly unknown[],
    maxEntries: number,
  ) {
    this.byValue = identifiedByValue(attribute);
    this.hasPrimary = findAttribute(attribute.subAttributes, 'primary') !== undefined;
    for (const element of initial) this.insert(element);
    this.maxLive = Math.max(maxEntries, this.live);
  }

  values(): unknown[] {
    return this.slots.filter((element) => element !== GONE);
  }

  liveSlots(): number[] {
    const out: number[] = [];
    this.slots.forEach((element, slot) => element !== GONE && out.push(slot));
    return out;
  }

  at(slot: number): unknown {
    return this.slots[slot];
  }

  /** Adds each element not already there; returns the added slots. */
  addDistinct(incoming: readonly unknown[], where: string): number[] {
    const added: number[] = [];
    for (const element of incoming) {
      if (this.byIdentity.get(elementIdentity(this.byValue, element))?.size) continue;
      added.push(this.append(element, where));
    }
    return added;
  }

  append(element: unknown, where: string): number {
    if (this.live + 1 > this.maxLive) {
      throw overBudget('multiValuedEntries', this.maxLive, `${where}: ${this.attribute.name} with more than ${this.maxLive} values`, `send at most ${this.maxLive}`);
    }
    this.changes++;
    return this.insert(element);
  }

  replaceAll(incoming: readonly unknown[], where: string): number[] {
    const before = this.values();
    if (before.length === incoming.length && before.every((element, i) => jsonEqual(element, incoming[i]))) return this.liveSlots();
    this.removeSlots(this.liveSlots());
    return incoming.map((element) => this.append(element, where));
  }

  removeSlots(slots: readonly number[]): void {
    for (const slot of slots) {
      const element = this.slots[slot];
      if (element === GONE) continue;
      this.unindex(slot, element);
      this.slots[slot] = GONE;
      this.live--;
      this.changes++;
    }
  }

  /** A change only when it differs. */
  set(slot: number, element: unknown): void {
    const old = this.slots[slot];
    if (old === GONE || jsonEqual(old, element)) return;
    this.unindex(slot, old);
    this.slots[slot] = element;
    this.index(slot, element);
    this.changes++;
  }

  /**
 * Slots a remove's value lists: by identity for members (or non-object values), else elements whose sub-attributes
 * equal all those given (`{"value": "a@x"}` removes that email whatever its type).
 */
  listed(listed: unknown): number[] {
    if (this.byValue || !isJsonObject(listed)) return this.sorted(this.byIdentity.get(elementIdentity(this.byValue, listed)));
    const entries = Object.entries(listed);
    const value = getValue(listed, 'value');
    const candidates = typeof value === 'string' || typeof value === 'boolean' ? this.subCandidates('value', value) : this.liveSlots();
    return candidates.filter((slot) => {
      const element = this.slots[slot];
      if (!isJsonObject(element)) return jsonEqual(element, listed);
      return entries.every(([key, expected]) => jsonEqual(getValue(element, key), expected));
    });
  }

  select(filter: FilterNode, caseExact: (path: { attribute: string }) => boolean): number[] {
    const equality = indexableEquality(filter);
    const candidates = equality ? this.subCandidates(equality.attribute, equality.value) : this.liveSlots();
    return candidates.filter((slot) => {
      const element = this.slots[slot];
      return isJsonObject(element) && matchesFilter(filter, element, { caseExact });
    });
  }

  /** At most one value may be primary: making one primary clears the others; making two at once is refused. */
  keepSinglePrimary(touched: readonly number[], where: string): void {
    if (!this.hasPrimary) return;
    const fresh = touched.filter((slot) => this.primaries.has(slot));
    if (fresh.length > 1) throw invalidValue(`${where}: only one ${this.attribute.name} value may have "primary": true`);
    const chosen = fresh[0];
    if (chosen === undefined) return;
    for (const slot of [...this.primaries]) {
      if (slot !== chosen) this.set(slot, { ...(this.slots[slot] as JsonObject), primary: false });
    }
  }

  private insert(element: unknown): number {
    const slot = this.slots.length;
    this.slots.push(element);
    this.index(slot, element);
    this.live++;
    return slot;
  }

  private index(slot: number, element: unknown): void {
    addTo(this.byIdentity, elementIdentity(this.byValue, element), slot);
    if (isPrimary(element)) this.primaries.add(slot);
    for (const [name, index] of this.bySub) indexSub(index, name, slot, element);
  }

  private unindex(slot: number, element: unknown): void {
    this.byIdentity.get(elementIdentity(this.byValue, element))?.delete(slot);
    this.primaries.delete(slot);
    for (const [name, index] of this.bySub) {
      const key = subKey(isJsonObject(element) ? getValue(element, name) : undefined);
      if (key === null) index.odd.delete(slot);
      else if (key !== undefined) index.keys.get(key)?.delete(slot);
    }
  }

  /** A superset: the caller checks each. */
  private subCandidates(name: string, literal: string | boolean): number[] {
    const lower = name.toLowerCase();
    let index = this.bySub.get(lower);
    if (!index) {
      index = { keys: new Map(), odd: new Set() };
      const built = index;
      this.slots.forEach((element, slot) => element !== GONE && indexSub(built, lower, slot, element));
      this.bySub.set(lower, index);
    }
    const found = index.keys.get(subKey(literal) as string);
    return this.sorted(found, index.odd);
  }

  private sorted(...sets: (Set<number> | undefined)[]): number[] {
    const out: number[] = [];
    for (const set of sets) if (set) out.push(...set);
    return out.sort((a, b) => a - b);
  }
}

const isPrimary = (element: unknown) => isJsonObject(element) && element.primary === true;

function addTo(map: Map<string, Set<number>>, key: string, slot: number): void {
  const set = map.get(key);
  if (set) set.add(slot);
  else map.set(key, new Set([slot]));
}

/**
 * Index key: strings lower-cased (a superset for caseExact too), booleans as is, undefined for absent, null for
 * anything else (left to the evaluator).
 */
function subKey(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return `s${value.toLowerCase()}`;
  if (typeof value === 'boolean') return `b${value}`;
  return null;
}

function indexSub(index: { keys: Map<string, Set<number>>; odd: Set<number> }, name: string, slot: number, element: unknown): void {
  const key = subKey(isJsonObject(element) ? getValue(element, name) : undefined);
  if (key === null) index.odd.add(slot);
  else if (key !== undefined) addTo(index.keys, key, slot);
}

/**
 * An `eq` every selected element must satisfy with plain string or boolean equality; date-times, numbers and null
 * are left to a scan.
 */
function indexableEquality(filter: FilterNode): { attribute: string; value: string | boolean } | undefined {
  const pending: FilterNode[] = [filter];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.op === 'and') {
      pending.push(node.right, node.left);
      continue;
    }
    if (node.op !== 'eq' || node.path.uri !== undefined || node.path.subAttribute !== undefined) continue;
    const value = node.value;
    if (typeof value === 'boolean') return { attribute: node.path.attribute, value };
    if (typeof value === 'string' && !(value.includes('T') && normalizeDateTime(value) !== undefined)) return { attribute: node.path.attribute, value };
    if (typeof value === 'number') return { attribute: node.path.attribute, value: String(value) };
  }
  return undefined;
}
