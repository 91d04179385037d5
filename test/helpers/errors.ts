import assert from 'node:assert/strict';
import { K8sbmError } from '../../src/source/errors.js';

/** The K8sbmError `fn` throws (the test fails when it throws something else, or nothing). */
export function thrown(fn: () => unknown): K8sbmError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof K8sbmError, `expected a K8sbmError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}
