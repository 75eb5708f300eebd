// Assertions on an AuthenticationResult that say which check failed and what AWS would answer.
import { expect } from 'vitest';
import type {
  AuthenticationCheck,
  AuthenticationResult,
  Authenticated,
} from '../../src/authenticate/authentication-result.ts';

export function expectAuthenticated(result: AuthenticationResult): Authenticated {
  if (!result.ok)
    throw new Error(`not authenticated: ${result.check} ${result.error.code} ${result.error.message}`);
  return result;
}

export function expectRefused(
  result: AuthenticationResult,
  expected: { check: AuthenticationCheck; code: string; status: number; message?: string | RegExp },
): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect({ check: result.check, code: result.error.code, status: result.error.status }).toEqual({
    check: expected.check,
    code: expected.code,
    status: expected.status,
  });
  if (typeof expected.message === 'string') expect(result.error.message).toBe(expected.message);
  else if (expected.message) expect(result.error.message).toMatch(expected.message);
}

/** A copy of a captured request with some parts replaced. */
export const withChanges = <T extends object>(request: T, changes: Partial<T>): T => ({
  ...request,
  ...changes,
});

/** A value the test needs to be there, failing the test (not the type checker) when it is not. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing: ${what}`);
  return value;
}
