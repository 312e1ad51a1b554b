import { expect } from 'vitest';
import { ScimError } from '../../src/scim/scim-error.js';

/** The ScimError `run` throws; the test fails if it throws anything else or nothing. */
export function refusal(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a refusal');
}
