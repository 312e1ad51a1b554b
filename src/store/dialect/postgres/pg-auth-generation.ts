/**
 * The store's `changeCounter` on PostgreSQL: it moves when the schema's auth channel announces a change to keys or
 * workspaces (a trigger's NOTIFY, delivered at commit). Only while that channel is listened to can a cached key
 * lookup be trusted; otherwise every reading is new, so nothing is cached.
 */
export class PgAuthGeneration {
  private value = 0;
  private listening = false;

  readonly read = (): number => (this.listening ? this.value : ++this.value);

  changed(): void {
    this.value++;
  }

  /** Whatever was cached before a (re)connection may have missed a notification. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.value++;
  }
}
