import type { GraphDirectory, UserChange } from './graph-directory.js';
import { type DeltaState, decodeDeltaToken, encodeDeltaToken } from './delta-token.js';
import { badRequest, type GraphResponse, GraphHttpError } from './graph-errors.js';
import { parseUserSelect, projectUser } from './user-projection.js';

/**
 * `GET /users/delta`: an initial round over every live user, then rounds of
 * only what changed since a deltaLink. Tokens are opaque and carry `$select`; the last page of a round has
 * `@odata.deltaLink`; deletions come back as `@removed` (`changed` = soft, `deleted` = permanent); replaying a
 * link gives the same answer; a token from before expireDeltaTokens() gets 410 `syncStateNotFound`.
 */
interface ChangedUser {
  id: string;
  /** Properties that changed in the window (all of them for a create or restore). */
  props: Set<string>;
}

export interface DeltaOptions {
  pageSize: number;
  /** Start every initial round with an empty page that still has a nextLink (Graph may do that). */
  emptyFirstPage: boolean;
}

export class UserDelta {
  private cached: { key: string; changed: ChangedUser[] } | null = null;

  constructor(private readonly dir: GraphDirectory) {}

  respond(query: URLSearchParams, prefer: string | undefined, selfUrl: string, options: DeltaOptions): GraphResponse {
    if (query.has('$top') || query.has('$orderby') || query.has('$expand')) {
      throw badRequest('$top, $orderby and $expand are not supported on delta queries.', 'Request_UnsupportedQuery');
    }
    if (query.has('$filter')) throw badRequest('This fake supports no $filter on delta.', 'Request_UnsupportedQuery');
    const minimal = /return=minimal/i.test(prefer ?? '');
    const skip = query.get('$skiptoken');
    const delta = query.get('$deltatoken');
    let state: DeltaState;
    if (skip) state = this.current(decodeDeltaToken(skip), selfUrl);
    else if (delta === 'latest') {
      // "Sync from now": a deltaLink and no data.
      const select = parseUserSelect(query.get('$select'));
      return this.page([], selfUrl, select, null, { phase: 'delta', epoch: this.dir.epoch, select, mark: this.dir.changeSeq }, minimal);
    } else if (delta) {
      const saved = this.current(decodeDeltaToken(delta), selfUrl);
      if (saved.phase !== 'delta') throw badRequest('The provided delta token is malformed.');
      state = { phase: 'changes', epoch: saved.epoch, select: saved.select, from: saved.mark, to: this.dir.changeSeq, offset: 0 };
    } else {
      const select = parseUserSelect(query.get('$select'));
      state = { phase: 'initial', epoch: this.dir.epoch, select, mark: this.dir.changeSeq, after: 0 };
      if (options.emptyFirstPage) return this.page([], selfUrl, select, state, null, minimal);
    }
    return state.phase === 'initial' ? this.initialPage(state, selfUrl, options, minimal) : this.changesPage(state as Extract<DeltaState, { phase: 'changes' }>, selfUrl, options, minimal);
  }

  private initialPage(state: Extract<DeltaState, { phase: 'initial' }>, selfUrl: string, options: DeltaOptions, minimal: boolean): GraphResponse {
    const { items, next } = this.dir.users.page(state.after, options.pageSize, (r) => !r.deleted);
    const value = items.map((r) => projectUser(r.user, state.select));
    // Changes made while the round was paging have seq > mark, so the next round replays them (idempotently).
    return next === null
      ? this.page(value, selfUrl, state.select, null, { phase: 'delta', epoch: state.epoch, select: state.select, mark: state.mark }, minimal)
      : this.page(value, selfUrl, state.select, { ...state, after: next }, null, minimal);
  }

  private changesPage(state: Extract<DeltaState, { phase: 'changes' }>, selfUrl: string, options: DeltaOptions, minimal: boolean): GraphResponse {
    const changed = this.changed(state.from, state.to, state.select);
    const slice = changed.slice(state.offset, state.offset + options.pageSize);
    const value = slice.map((c) => {
      const record = this.dir.users.get(c.id);
      if (!record) return { id: c.id, '@removed': { reason: 'deleted' } };
      if (record.deleted) return { id: c.id, '@removed': { reason: 'changed' } };
      return projectUser(record.user, state.select, minimal ? c.props : undefined);
    });
    const offset = state.offset + slice.length;
    return offset < changed.length
      ? this.page(value, selfUrl, state.select, { ...state, offset }, null, minimal)
      : this.page(value, selfUrl, state.select, null, { phase: 'delta', epoch: state.epoch, select: state.select, mark: state.to }, minimal);
  }

  /** Users with a relevant change in (from, to], in order of their last change; cached while a round pages. */
  private changed(from: number, to: number, select: readonly string[] | null): ChangedUser[] {
    const key = `${this.dir.epoch}:${from}:${to}:${select?.join(',') ?? ''}`;
    if (this.cached?.key === key) return this.cached.changed;
    const selected = select ? new Set(select) : null;
    const byUser = new Map<string, ChangedUser>();
    const relevant = (c: UserChange) => c.kind !== 'upsert' || !selected || c.props.some((p) => selected.has(p));
    for (const change of this.dir.changesBetween(from, to)) {
      if (!relevant(change)) continue; // Graph tracks only selected properties
      const entry = byUser.get(change.userId) ?? { id: change.userId, props: new Set<string>() };
      byUser.delete(change.userId); // re-insert so the order is by last change
      for (const p of change.props) if (!selected || selected.has(p)) entry.props.add(p);
      byUser.set(change.userId, entry);
    }
    const changed = [...byUser.values()];
    this.cached = { key, changed };
    return changed;
  }

  private current(state: DeltaState, selfUrl: string): DeltaState {
    if (state.epoch !== this.dir.epoch) {
      throw new GraphHttpError(410, 'syncStateNotFound', 'The sync state generation is not found; restart with a full synchronization.', {
        Location: `${selfUrl}?$deltatoken=`,
      });
    }
    return state;
  }

  private page(
    value: unknown[],
    selfUrl: string,
    select: readonly string[] | null,
    next: DeltaState | null,
    done: DeltaState | null,
    minimal: boolean,
  ): GraphResponse {
    const body: Record<string, unknown> = { '@odata.context': `${selfUrl.replace(/\/users\/delta$/, '')}/$metadata#users(${(select ?? []).join(',')})` };
    if (next) body['@odata.nextLink'] = `${selfUrl}?$skiptoken=${encodeDeltaToken(next)}`;
    if (done) body['@odata.deltaLink'] = `${selfUrl}?$deltatoken=${encodeDeltaToken(done)}`;
    body.value = value;
    return { status: 200, headers: minimal ? { 'Preference-Applied': 'return=minimal' } : {}, body };
  }
}
