import { expect } from 'vitest';

/** Asserts an application/problem+json response with `status` and a request id, and returns its body. */
export async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status });
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/stack|arn:aws|Exception|at \//);
  return body;
}

/** Sums the EMF values of `metric` per value of `dimension`, across the given output lines. */
export function emfTotals(
  lines: Record<string, unknown>[],
  metric: string,
  dimension: string,
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) {
    if (!('_aws' in line) || !(metric in line)) continue;
    const value = line[metric];
    const sum = Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
    const key = String(line[dimension]);
    totals[key] = (totals[key] ?? 0) + sum;
  }
  return totals;
}
