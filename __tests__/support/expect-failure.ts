// How a scenario or process suite checks a failed run: the action fails as the runner expects it to, and
// the test goes on with what it said.

import type { RunResult } from '../../testing/run-action.mjs'

/**
 * Asserts that the run failed cleanly: exit code 1, at least one `::error::` line, nothing on
 * stderr (no crash, no stack trace) and no outputs for later steps. Returns the error lines.
 */
export function expectFailures(result: RunResult): string[] {
  expect({ code: result.code, stderr: result.stderr, outputs: result.outputs }).toEqual({ code: 1, stderr: '', outputs: {} })
  expect(result.errors).not.toEqual([])
  return result.errors
}

/** Asserts a clean failure (see expectFailures) with exactly one `::error::` line, and returns its text. */
export function expectFailure(result: RunResult): string {
  const errors = expectFailures(result)
  expect(errors).toHaveLength(1)
  return errors[0]!
}

/** Runs `fn`, expecting it to throw an instance of `type`, and returns the message. */
export function thrownBy(type: abstract new (...args: never[]) => Error, fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(type)
    return (error as Error).message
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`)
}
