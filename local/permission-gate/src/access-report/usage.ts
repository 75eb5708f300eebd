// What the workloads used: from the trail, every action × resource a role's sessions were allowed,
// with the calls that used it; and, apart, every call of a role the gate refused.
import type { CloudTrailRecord } from '../trail/cloudtrail-record.ts';
import { servicePrefixOf } from '../trail/event-classes.ts';
import { isDenied } from '../trail/read-trail.ts';
import { deriveAuthorizations, type RecordAuthorization } from './derive-actions.ts';

export interface UsedAccess {
  /** The role's name (the session issuer's `userName`, else the last part of its ARN). */
  role: string;
  roleArn: string;
  /** The IAM action the call was authorized as (`s3:GetObject`). */
  action: string;
  /** The ARN it was authorized on (`*` for an action authorized on no resource). */
  resource: string;
  /** The calls, `service:Operation` → how many (`s3:HeadObject` → 3). */
  calls: Record<string, number>;
  count: number;
  /** Whether the record carried the action (`additionalEventData.authorizations`) or it was derived from the operation. */
  source: 'record' | 'derived';
  firstSeen: string;
  lastSeen: string;
}

export interface DeniedCall {
  role: string;
  roleArn: string;
  /** `service:Operation`. */
  call: string;
  resources: string[];
  errorCode?: string;
  reason?: string;
  eventTime: string;
  /** The session (`role/session`). */
  session?: string;
}

export interface Usage {
  allowed: UsedAccess[];
  denied: DeniedCall[];
  /** Records not made with a role's session (root, STS decisions about a principal, unknown keys). */
  skipped: number;
}

interface RoleOfRecord {
  role: string;
  roleArn: string;
  session?: string;
}

function roleOf(record: CloudTrailRecord): RoleOfRecord | undefined {
  const issuer = record.userIdentity.sessionContext?.sessionIssuer;
  if (!issuer?.arn) return undefined;
  const role = issuer.userName || issuer.arn.split('/').at(-1) || issuer.arn;
  const sessionName = record.userIdentity.principalId?.split(':').slice(1).join(':');
  return { role, roleArn: issuer.arn, ...(sessionName && { session: `${role}/${sessionName}` }) };
}

function isAuthorization(value: unknown): value is RecordAuthorization {
  if (value === null || typeof value !== 'object') return false;
  const { action, resource } = value as Record<string, unknown>;
  return typeof action === 'string' && action !== '' && typeof resource === 'string' && resource !== '';
}

/**
 * The authorizations the gate wrote into the record (`additionalEventData.authorizations`), else
 * those derived from its operation and resources.
 */
export function authorizationsOf(record: CloudTrailRecord): {
  authorizations: RecordAuthorization[];
  source: 'record' | 'derived';
} {
  const written: unknown = (record.additionalEventData as { authorizations?: unknown } | undefined)
    ?.authorizations;
  if (Array.isArray(written) && written.every(isAuthorization)) {
    return {
      authorizations: written.map(({ action, resource }) => ({ action, resource })),
      source: 'record',
    };
  }
  return { authorizations: deriveAuthorizations(record), source: 'derived' };
}

/**
 * Every (role, action, resource) a role's sessions were allowed (the gate's decision `allowed`,
 * whatever the emulator then answered: a HeadObject that found no object still needed
 * s3:GetObject), and every call of a role that was refused.
 */
export function usageOf(records: Iterable<CloudTrailRecord>): Usage {
  const allowed = new Map<string, UsedAccess>();
  const denied: DeniedCall[] = [];
  let skipped = 0;
  for (const record of records) {
    const caller = roleOf(record);
    if (!caller) {
      skipped++;
      continue;
    }
    const call = `${servicePrefixOf(record.eventSource)}:${record.eventName}`;
    if (isDenied(record)) {
      denied.push({
        ...caller,
        call,
        resources: (record.resources ?? []).map((resource) => resource.ARN),
        ...(record.errorCode !== undefined && { errorCode: record.errorCode }),
        ...(record.additionalEventData?.reason !== undefined && {
          reason: record.additionalEventData.reason,
        }),
        eventTime: record.eventTime,
      });
      continue;
    }
    const { authorizations, source } = authorizationsOf(record);
    // A call authorized twice on the same pair (AssumeRole's role ARN) counts once for it.
    const pairs = new Map(authorizations.map((a) => [`${a.action}\u0000${a.resource}`, a]));
    for (const { action, resource } of pairs.values()) {
      const key = `${caller.roleArn}\u0000${action.toLowerCase()}\u0000${resource}`;
      let used = allowed.get(key);
      if (!used) {
        used = {
          role: caller.role,
          roleArn: caller.roleArn,
          action,
          resource,
          calls: {},
          count: 0,
          source,
          firstSeen: record.eventTime,
          lastSeen: record.eventTime,
        };
        allowed.set(key, used);
      }
      used.calls[call] = (used.calls[call] ?? 0) + 1;
      used.count++;
      if (source === 'derived') used.source = 'derived';
      if (record.eventTime < used.firstSeen) used.firstSeen = record.eventTime;
      if (record.eventTime > used.lastSeen) used.lastSeen = record.eventTime;
    }
  }
  return { allowed: [...allowed.values()], denied, skipped };
}
