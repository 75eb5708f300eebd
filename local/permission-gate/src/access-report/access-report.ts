// The grants against the traffic: per role, which grants a call used, which none did, and which of
// those are acknowledged with a reason. An unused grant without one is a permission to remove (or
// a flow the demo and the tests never exercise); an acknowledgement that matches no grant is stale.
import type { Acknowledgement } from './acknowledgements.ts';
import type { Grant } from './grants.ts';
import { actionMatches, resourceMatches } from './iam-pattern.ts';
import type { DeniedCall, Usage, UsedAccess } from './usage.ts';

export type GrantStatus = 'used' | 'unused' | 'acknowledged';

export interface GrantReport extends Grant {
  status: GrantStatus;
  /** Authorizations of allowed calls this grant covers. */
  count: number;
  /** The calls that used it, `service:Operation` → how many. */
  calls: Record<string, number>;
  /** The ARNs they were authorized on. */
  usedOn: string[];
  /** The acknowledgement that matches the grant (also on a used grant: it is no longer needed there). */
  acknowledgement?: Acknowledgement;
}

export interface RoleReport {
  role: string;
  grants: GrantReport[];
  /** The role's calls the gate refused. */
  denied: DeniedCall[];
  /**
   * Allowed authorizations no grant covers. The gate denies what the model does not grant, so
   * these come from a trail written under another model (an older one, other resource names).
   */
  ungranted: UsedAccess[];
}

export interface AccessReport {
  roles: RoleReport[];
  /** Unused grants without an acknowledgement: what `--check` fails on. */
  unacknowledged: GrantReport[];
  /** Acknowledgements that match no grant: also a failure. */
  stale: Acknowledgement[];
  /** Roles whose sessions appear in the trail but which the model does not define. */
  otherRoles: string[];
  ok: boolean;
}

export const grantCovers = (grant: Grant, used: UsedAccess) =>
  grant.role === used.role &&
  actionMatches(grant.action, used.action) &&
  resourceMatches(grant.resource, used.resource);

export const acknowledges = (acknowledgement: Acknowledgement, grant: Grant) =>
  acknowledgement.role === grant.role &&
  acknowledgement.sid === grant.sid &&
  (actionMatches(acknowledgement.action, grant.action) ||
    acknowledgement.action.toLowerCase() === grant.grantedAs.toLowerCase()) &&
  (acknowledgement.resource === undefined || resourceMatches(acknowledgement.resource, grant.resource));

/**
 * Per role (in the grants' order), each grant used (by which calls, how often), unused, or
 * acknowledged (unused, with the reason). A call that several grants cover counts for each.
 */
export function accessReport(
  grants: readonly Grant[],
  usage: Usage,
  acknowledgements: readonly Acknowledgement[] = [],
): AccessReport {
  const roles = new Map<string, RoleReport>();
  const roleReport = (role: string) => {
    let report = roles.get(role);
    if (!report) {
      report = { role, grants: [], denied: [], ungranted: [] };
      roles.set(role, report);
    }
    return report;
  };
  const covered = new Set<UsedAccess>();
  const matchedAcknowledgements = new Set<Acknowledgement>();
  for (const grant of grants) {
    const uses = usage.allowed.filter((used) => grantCovers(grant, used));
    uses.forEach((used) => covered.add(used));
    const calls: Record<string, number> = {};
    for (const used of uses) {
      for (const [call, count] of Object.entries(used.calls)) calls[call] = (calls[call] ?? 0) + count;
    }
    const matching = acknowledgements.filter((candidate) => acknowledges(candidate, grant));
    matching.forEach((candidate) => matchedAcknowledgements.add(candidate));
    const acknowledgement = matching[0];
    roleReport(grant.role).grants.push({
      ...grant,
      status: uses.length > 0 ? 'used' : acknowledgement ? 'acknowledged' : 'unused',
      count: uses.reduce((sum, used) => sum + used.count, 0),
      calls,
      usedOn: [...new Set(uses.map((used) => used.resource))].sort(),
      ...(acknowledgement && { acknowledgement }),
    });
  }
  const modelRoles = new Set(roles.keys());
  const otherRoles = new Set<string>();
  for (const used of usage.allowed) {
    if (!modelRoles.has(used.role)) otherRoles.add(used.role);
    else if (!covered.has(used)) roleReport(used.role).ungranted.push(used);
  }
  for (const call of usage.denied) {
    if (modelRoles.has(call.role)) roleReport(call.role).denied.push(call);
    else otherRoles.add(call.role);
  }
  const reports = [...roles.values()];
  const unacknowledged = reports.flatMap((role) => role.grants.filter((grant) => grant.status === 'unused'));
  // Matched against any grant of the model, used or not: stale means it names nothing that exists.
  const stale = acknowledgements.filter((acknowledgement) => !matchedAcknowledgements.has(acknowledgement));
  return {
    roles: reports,
    unacknowledged,
    stale,
    otherRoles: [...otherRoles].sort(),
    ok: unacknowledged.length === 0 && stale.length === 0,
  };
}
