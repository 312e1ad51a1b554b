import type { FilterNode } from '../filter/filter-ast.js';
import { matchesFilter } from '../filter/evaluate-filter.js';
import { normalizeDateTime } from '../filter/normalize-date-time.js';
import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { overBudget } from '../scim-budgets.js';
import { invalidValue } from '../scim-error.js';
import { elementIdentity, identifiedByValue } from './element-identity.js';
import { getValue, isJsonObject, jsonEqual, type JsonObject } from '../json-object.js';

/** A slot whose element was removed; slots are never reused, so indexes stay valid. */
const GONE: unique symbol = Symbol('gone');

/**
 * The values of one multi-valued attribute (emails, roles, members, ...) while a PATCH works on them, so that N
 * operations cost O(N + values) rather than O(N × values):
 * - elements live in slots that never move (a removal leaves a hole), and the array is built once at the end;
 * - an index from each element's identity (element-identity.ts) answers "is it already there" for an add and a
 *   listed remove;
 * - a filter with an equality on a sub-attribute (`emails[value eq "x"]`, `roles[primary eq true]`) looks its
 *   candidates up in an index of that sub-attribute, built the first time a filter asks for it and kept up to date
 *   as operations change elements. Any other filter (`co`, `or`, `not`, ...) evaluates every element: the number of
 *   elements is bounded by `scim.budgets.multiValuedEntries`, and the filter by the filter budgets.
 * - the primary elements are tracked, so that keeping at most one primary (RFC 7643 §2.4) touches only them.
 * `changes` counts the changes made, for the mutability check of the operation that made them.
 */
export class MultiValuedState {
  private readonly slots: unknown[] = [];
  private readonly byIdentity = new Map<string, Set<number>>();
  /** Per sub-attribute (lower-cased): its string and boolean values → slots; `odd` the slots whose value is anything else. */
  private readonly bySub = new Map<string, { keys: Map<string, Set<number>>; odd: Set<number> }>();
  private readonly primaries = new Set<number>();
  private readonly byValue: boolean;
  private readonly hasPrimary: boolean;
  /** The most values this attribute may reach: the budget, or as many as it had already. */
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

  /** The elements, in order. */
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

  /** RFC 7644 §3.5.2.1: add each element that is not already there. Returns the slots of those added. */
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

  /** Replace every element (`replace emails`). Returns the slots of the new elements. */
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

  /** Put `element` in `slot` in place of what is there; a change only when it differs. */
  set(slot: number, element: unknown): void {
    const old = this.slots[slot];
    if (old === GONE || jsonEqual(old, element)) return;
    this.unindex(slot, old);
    this.slots[slot] = element;
    this.index(slot, element);
    this.changes++;
  }

  /**
   * The slots of the elements a remove's value lists: by identity for members (and whenever the listed value or the
   * element is not an object), else every element whose sub-attributes equal all those the client gave
   * (`{"value": "a@x"}` removes that email whatever its type).
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

  /** The slots of the elements `filter` selects, in order. */
  select(filter: FilterNode, caseExact: (path: { attribute: string }) => boolean): number[] {
    const equality = indexableEquality(filter);
    const candidates = equality ? this.subCandidates(equality.attribute, equality.value) : this.liveSlots();
    return candidates.filter((slot) => {
      const element = this.slots[slot];
      return isJsonObject(element) && matchesFilter(filter, element, { caseExact });
    });
  }

  /**
   * RFC 7643 §2.4: "primary" may be true for at most one value. When an operation makes a value primary (`touched`
   * holds the slots it added or changed), the others stop being primary; an operation that makes two values primary
   * at once is refused.
   */
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

  /** Slots whose sub-attribute `name` may equal `literal` (a superset: the caller checks each). */
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
 * The index key of a sub-attribute's value: a string lower-cased (a superset of both caseExact and not), a boolean
 * as itself, undefined for an absent value (it never equals a literal), null for anything else (numbers, objects,
 * arrays), whose equality the filter evaluator decides.
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
 * An `eq` on a plain sub-attribute that every element the filter selects must satisfy (the filter itself, or one
 * side of an `and`), with a literal whose equality is plain string or boolean equality. Date-times (which compare
 * by instant), numbers and null are left to a scan.
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
