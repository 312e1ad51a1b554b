import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../config/load-config.js';
import { parseYaml } from '../config/parse-yaml.js';
import { RosterdError } from '../error/rosterd-error.js';
import { workspacePolicySchema } from '../model/workspace-policy.js';
import { listPresets, PRESET_DIR } from './list-presets.js';

export { listPresets };

/** A workspace preset: the version, extension URN and policy one of the seed products needs. */
export const presetSchema = z
  .object({
    description: z.string(),
    version: z.enum(['v1', 'v2']),
    extensionUrn: z.string().startsWith('urn:').optional(),
    policy: workspacePolicySchema,
  })
  .strict();

export type Preset = z.infer<typeof presetSchema>;

export function loadPreset(name: string): Preset {
  if (!/^[a-z0-9-]+$/.test(name) || !listPresets().includes(name)) {
    throw new RosterdError('ROSTERD_E_PRESET', `unknown preset "${name}"; presets: ${listPresets().join(', ')}`);
  }
  const file = path.join(PRESET_DIR, `${name}.yaml`);
  const parsed = presetSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new RosterdError('ROSTERD_E_PRESET', `preset ${name} (${file}): ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}
