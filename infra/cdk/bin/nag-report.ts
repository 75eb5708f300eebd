// `nx run infra:nag` (after synth): proves from the cloud assembly that the security rules ran
// and nothing was left unacknowledged, and lists every acknowledgement with its reason so a
// reviewer reads them in one place. Synth itself already fails on an unacknowledged finding;
// this step also fails on an acknowledgement without a real reason.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const assembly = resolve(import.meta.dirname, '..', 'cdk.out');
const MIN_REASON_LENGTH = 60;

interface Acknowledgement {
  id: string;
  reason: string;
}
interface Resource {
  Metadata?: { 'aws:cdk:path'?: string; cdk_nag?: { rules_to_suppress?: Acknowledgement[] } };
}
interface Report {
  pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
}

const report = JSON.parse(readFileSync(resolve(assembly, 'validation-report.json'), 'utf8')) as Report;
const failed = report.pluginReports.filter(
  (plugin) => plugin.conclusion !== 'success' || plugin.violations.length,
);

const rows: string[] = [];
const weak: string[] = [];
for (const file of readdirSync(assembly).filter((name) => name.endsWith('.template.json'))) {
  const template = JSON.parse(readFileSync(resolve(assembly, file), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  for (const resource of Object.values(template.Resources)) {
    for (const { id, reason } of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
      const path = resource.Metadata?.['aws:cdk:path'] ?? '?';
      rows.push(`${id}\n    at ${path}\n    ${reason}`);
      if (reason.trim().length < MIN_REASON_LENGTH) weak.push(`${id} at ${path}`);
    }
  }
}

console.log(`nag: ${rows.length} acknowledged findings\n`);
console.log(rows.join('\n\n'));
if (failed.length > 0) {
  console.error(`\nnag: failing plugin reports: ${failed.map((plugin) => plugin.pluginName).join(', ')}`);
}
if (weak.length > 0) {
  console.error(
    `\nnag: acknowledgements need a reason of at least ${MIN_REASON_LENGTH} characters:\n  ${weak.join('\n  ')}`,
  );
}
process.exit(failed.length > 0 || weak.length > 0 ? 1 : 0);
