// Resolving captured requests in the tests' account and region, failing the test with the gate's
// own message when the outcome is not the one expected.
import { resolveRequest } from '../../../src/authorize/resolve-request.ts';
import type { ResolvedRequest, ResolveFailure, ResolveScope } from '../../../src/authorize/types.ts';
import type { GateRequest } from '../../../src/gate-request.ts';

export const REGION = 'eu-west-1';
export const ACCOUNT = '111122223333';

type ExtraScope = Omit<ResolveScope, 'service' | 'region' | 'accountId'>;

export function resolved(service: string, request: GateRequest, extra: ExtraScope = {}): ResolvedRequest {
  const result = resolveRequest(request, { service, region: REGION, accountId: ACCOUNT, ...extra });
  if (!result.ok) throw new Error(`refused: ${result.error.code} ${result.error.message}`);
  return result;
}

export function refused(service: string, request: GateRequest, extra: ExtraScope = {}): ResolveFailure {
  const result = resolveRequest(request, { service, region: REGION, accountId: ACCOUNT, ...extra });
  if (result.ok) throw new Error(`resolved: ${JSON.stringify(result.authorizations)}`);
  return result;
}

/** `[action, resource]` of each authorization, the part most assertions are about. */
export function permissions(result: ResolvedRequest): Array<[string, string]> {
  return result.authorizations.map(({ action, resource }) => [action, resource]);
}

/** The service-specific condition keys only (S3 adds how the request was signed to every action). */
export function serviceContext(result: ResolvedRequest, index = 0): Record<string, string | string[]> {
  const context = result.authorizations[index]?.context ?? {};
  return Object.fromEntries(
    Object.entries(context).filter(
      ([key]) => !['s3:authType', 's3:signatureversion', 's3:x-amz-content-sha256'].includes(key),
    ),
  );
}
