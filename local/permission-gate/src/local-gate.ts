// The gate as the local system (and anything that starts its own STS front, like the flow pages'
// examples) runs it: in front of the emulator and one STS front, knowing every session that front
// issues, with the emulator's administrator as the account's root, role policies read from IAM,
// resource names looked up, and every call appended to a trail.
import { adminClients, emulatorAdminCredentials } from '@keyless/emulator-admin';
import type { ChainingCaller } from '@keyless/identity-plane';
import type { PolicyDocument } from '@keyless/iam-policy';
import type { Logger } from '@keyless/logging';
import { gateCallRecord } from './gate-call-record.ts';
import type { DecideDeps } from './decide-call.ts';
import {
  startPermissionGate,
  type GateCall,
  type PermissionGate,
  type PermissionGateOptions,
} from './gate-server.ts';
import { createIssuedSessions, type RoleSessionIssued } from './issued-sessions.ts';
import { resourceNamesFromEmulator } from './resource-names.ts';
import { modelResourcePolicies } from './model-resource-policies.ts';
import { rolePoliciesFromIam, type RolePolicySource } from './role-policies.ts';
import type { CloudTrailRecord } from './trail/cloudtrail-record.ts';

/** What the gate needs of an STS front: where federation goes, and role chaining. */
export interface GatedStsFront {
  endpoint: string;
  assumeRoleAsCaller(caller: ChainingCaller, params: URLSearchParams, requestId: string): Promise<string>;
  close(): Promise<void>;
}

export interface LocalGateOptions {
  emulator: { endpoint: string; region: string };
  accountId: string;
  /** Where each call's CloudTrail record goes. */
  trail?: { append(record: CloudTrailRecord): void };
  /** Calls the local system answers itself (see PermissionGateOptions.localAnswers). */
  localAnswers?: PermissionGateOptions['localAnswers'];
  /** Also told of every call (tests). */
  onCall?: (call: GateCall) => void;
  logger: Logger;
  /** How long a role's policies read from IAM are used before IAM is asked again: 1 s by default. */
  policyCacheMs?: number;
  host?: string;
  port?: number;
  /** Resource-based policies by the owning resource's ARN (the model's bucket policy). */
  resourcePolicies?: Readonly<Record<string, PolicyDocument>>;
  /** Also serve HTTPS (createLocalTls), for workloads that trust its CA. */
  tls?: { cert: string; key: string; port?: number };
}

export interface LocalGate<Front> {
  gate: PermissionGate;
  front: Front;
  /** What the gate decides each call with (sessions, role policies, names): to decide calls again. */
  deps: DecideDeps & { roles: RolePolicySource };
  /** Closes the gate and its emulator clients (the front is the caller's to close). */
  close(): Promise<void>;
}

/**
 * Starts the caller's STS front with the hook that tells the gate of each session it issues, then
 * the gate in front of that front and the emulator.
 */
export async function startLocalGate<Front extends GatedStsFront>(
  options: LocalGateOptions,
  startFront: (onSessionIssued: (session: RoleSessionIssued) => void) => Promise<Front>,
): Promise<LocalGate<Front>> {
  const { emulator, accountId } = options;
  const sessions = createIssuedSessions();
  // The platform's own tooling keeps the emulator's administrator: the account's root, which IAM
  // policies do not limit within the account.
  sessions.recordRoot(emulatorAdminCredentials, accountId);
  const front = await startFront(sessions.recordRoleSession);
  const admin = adminClients(emulator);
  const roles = rolePoliciesFromIam(admin.iam, { cacheMs: options.policyCacheMs ?? 1_000 });
  const closeClients = () => Object.values(admin).forEach((client) => client.destroy());
  const deps = {
    sessions,
    roles,
    resources: modelResourcePolicies(options.resourcePolicies ?? {}),
    names: resourceNamesFromEmulator(admin),
    region: emulator.region,
    accountId,
  };
  try {
    const gate = await startPermissionGate({
      ...deps,
      emulator: emulator.endpoint,
      stsFront: front.endpoint,
      assumeRoleAsCaller: front.assumeRoleAsCaller,
      onCall: (call) => {
        options.trail?.append(gateCallRecord(call, emulator.region));
        options.onCall?.(call);
      },
      logger: options.logger,
      ...(options.host !== undefined && { host: options.host }),
      ...(options.port !== undefined && { port: options.port }),
      ...(options.tls && { tls: options.tls }),
      ...(options.localAnswers && { localAnswers: options.localAnswers }),
    });
    return {
      gate,
      front,
      deps,
      async close() {
        await gate.close();
        closeClients();
      },
    };
  } catch (error) {
    closeClients();
    await front.close();
    throw error;
  }
}
