// STS calls the gate treats apart: federation (unsigned; the token is the credential) goes to the
// identity plane's STS front, and the signed ones it answers or decides itself.
import type { GateRequest } from './gate-request.ts';

const FEDERATION = new Set(['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']);

/** The Action of an awsQuery request (query string or form body). */
export function stsAction(request: GateRequest): string | undefined {
  const params = new URLSearchParams(request.query);
  if (request.method === 'POST') {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8')))
      params.append(name, value);
  }
  return params.get('Action') ?? undefined;
}

export function isFederationCall(request: GateRequest): boolean {
  const signed = 'authorization' in request.headers || /(^|&)X-Amz-Credential=/i.test(request.query);
  if (signed) return false;
  const action = stsAction(request);
  return action !== undefined && FEDERATION.has(action);
}
