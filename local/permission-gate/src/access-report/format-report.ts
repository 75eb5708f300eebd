// The report as a person reads it: a table per role, then what `--check` fails on.
import type { AccessReport, GrantReport, RoleReport } from './access-report.ts';

const pad = (rows: string[][]) => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};

const callsOf = (grant: GrantReport) =>
  Object.entries(grant.calls)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([call, count]) => `${call} ×${count}`)
    .join(', ');

function statusOf(grant: GrantReport): string {
  switch (grant.status) {
    case 'used':
      return `used ${grant.count}× by ${callsOf(grant)}${grant.acknowledgement ? ' (acknowledged, but used)' : ''}`;
    case 'acknowledged':
      return `acknowledged: ${grant.acknowledgement?.reason ?? ''}`;
    case 'unused':
      return 'UNUSED';
  }
}

/** `role Sid action resource`: how a grant is named in the failures. */
export const grantName = (grant: Pick<GrantReport, 'role' | 'sid' | 'action' | 'resource'>) =>
  `${grant.role} ${grant.sid} ${grant.action} ${grant.resource}`;

function roleSection(role: RoleReport): string[] {
  const count = (status: GrantReport['status']) =>
    role.grants.filter((grant) => grant.status === status).length;
  const lines = [
    `${role.role}: ${count('used')} used, ${count('unused')} unused, ${count('acknowledged')} acknowledged, ${role.denied.length} denied call(s)`,
    ...pad([
      ['  Sid', 'action', 'resource', 'status'],
      ...role.grants.map((grant) => [
        `  ${grant.sid}`,
        grant.action === grant.grantedAs ? grant.action : `${grant.action} (${grant.grantedAs})`,
        `${grant.resource}${grant.conditional ? ' [if]' : ''}`,
        statusOf(grant),
      ]),
    ]),
  ];
  if (role.denied.length > 0) {
    lines.push('  denied calls:');
    lines.push(
      ...pad(
        role.denied.map((call) => [
          `    ${call.eventTime}`,
          call.session ?? call.role,
          call.call,
          call.resources.join(' ') || '-',
          call.errorCode ?? 'denied',
        ]),
      ),
    );
  }
  if (role.ungranted.length > 0) {
    lines.push(
      '  allowed in the trail, granted by no statement of this model (a trail from another model?):',
    );
    lines.push(...role.ungranted.map((used) => `    ${used.action} ${used.resource} ×${used.count}`));
  }
  return lines;
}

export function formatAccessReport(report: AccessReport): string {
  const lines = report.roles.flatMap((role) => [...roleSection(role), '']);
  if (report.otherRoles.length > 0) {
    lines.push(`roles in the trail that the model does not define: ${report.otherRoles.join(', ')}`, '');
  }
  if (report.unacknowledged.length > 0) {
    lines.push(
      `${report.unacknowledged.length} grant(s) no call used, without an acknowledgement (remove the grant, exercise it in the demo or a test, or acknowledge it with a reason):`,
      ...report.unacknowledged.map((grant) => `  ${grantName(grant)}`),
    );
  }
  if (report.stale.length > 0) {
    lines.push(
      `${report.stale.length} acknowledgement(s) that match no grant of the model (stale: remove them):`,
      ...report.stale.map(
        (acknowledgement) =>
          `  ${acknowledgement.role} ${acknowledgement.sid} ${acknowledgement.action}${acknowledgement.resource ? ` ${acknowledgement.resource}` : ''}`,
      ),
    );
  }
  if (report.ok) lines.push('every grant is used or acknowledged');
  return `${lines.join('\n')}\n`;
}
