import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/create-db.js';

/** What the console's routes read and run: the store, the configuration (pull bindings), a logger and the clock. */
export interface ConsoleRouteOptions {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  clock: () => Date;
}
