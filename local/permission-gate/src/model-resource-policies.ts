// Resource-based policies the gate holds itself, from the IAM model (the bucket's TLS-only policy,
// which the CDK app deploys as enforceSSL). Not put on the emulator: moto evaluates a bucket
// policy's aws:SecureTransport too, and every call reaches it over plain HTTP from the gate.
import type { PolicyDocument } from '@keyless/iam-policy';
import type { ResourcePolicySource } from './decide-call.ts';

/** `policies`: the owning resource's ARN (a bucket's, say) → its policy; objects inherit the bucket's. */
export function modelResourcePolicies(
  policies: Readonly<Record<string, PolicyDocument>>,
): ResourcePolicySource {
  const owners = Object.entries(policies);
  return {
    get: async (resourceArn) =>
      owners.find(([owner]) => resourceArn === owner || resourceArn.startsWith(`${owner}/`))?.[1],
  };
}
