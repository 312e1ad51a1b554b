import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Vitest globalSetup of the e2e project: bring `dist/` up to date before any e2e file spawns the built CLI, so a
 * stale build is never what gets tested. The build is incremental: when `dist/` is current it only checks.
 */
export default function setup(): void {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build before the e2e tests failed:\n${result.stdout}${result.stderr}`);
  // As `npm run build` leaves it: the package's bin runs as a program (npx, npm link).
  chmodSync(path.join(root, 'dist/src/cli/main.js'), 0o755);
}
