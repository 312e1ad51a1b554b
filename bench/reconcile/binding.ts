import type { ConnectorBinding } from '../../src/config/config-schema.js';
import type { Target } from '../connector/fake-process.js';
import { entraSettings } from '../connector/entra-settings.js';
import { mappingFor } from '../connector/plan.js';
import { WORKSPACE } from './database.js';

/**
 * The configuration binding that points the workspace at the fake Graph, as an operator would write it
 * under `connectors:`; the reconciler builds the real Entra connector from it through the registry.
 *
 * The mapping is the connector benchmark's without creditLimit: the plan gives every user a credit limit, and
 * the workspace policy refuses one on a viewer (~70% of the plan), so those members would stay out of the
 * store as skips. Department is still mapped, so the incremental cycle's updates are real updates.
 */
export function entraBinding(target: Extract<Target, { idp: 'entra' }>): ConnectorBinding {
  const mapping = { ...mappingFor('entra') };
  delete mapping.creditLimit;
  return {
    workspace: WORKSPACE,
    kind: 'entra',
    schedule: '*/10 * * * *',
    settings: entraSettings(target, mapping),
  };
}
