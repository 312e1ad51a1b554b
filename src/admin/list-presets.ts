import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Two levels up from src/admin, three from the compiled dist/src/admin. */
export const PRESET_DIR = [path.resolve(here, '../../config/presets'), path.resolve(here, '../../../config/presets')].find(existsSync) ?? path.resolve(here, '../../config/presets');

/** Without parsing: `rosterd --help` lists them and must not load YAML or zod. */
export function listPresets(): string[] {
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
