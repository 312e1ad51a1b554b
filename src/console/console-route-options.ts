import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { Store } from '../store/store.js';

export interface ConsoleRouteOptions {
  store: Store;
  config: Readonly<Config>;
  log: Logger;
  clock: () => Date;
}
