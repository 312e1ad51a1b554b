import { createRequire } from 'node:module';

/** YAML to a plain value. The parser loads on first use: most commands read no YAML, and it costs their start. */
export function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}
