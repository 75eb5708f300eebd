// `npm run access-report`: the arguments, the trail and acknowledgements to read, what to print
// and the exit code. Process wiring is in access-report-cli.ts; everything here takes its inputs
// as values so the tests can run it in-process too.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CloudTrailRecord } from '../trail/cloudtrail-record.ts';
import { readTrail } from '../trail/read-trail.ts';
import { accessReport } from './access-report.ts';
import { AcknowledgementError, readAcknowledgements } from './acknowledgements.ts';
import { formatAccessReport, grantName } from './format-report.ts';
import { grantsOf } from './grants.ts';
import { localIamModel, scopeOfTrail } from './local-model.ts';
import { usageOf } from './usage.ts';

export const accessReportUsage = `usage: npm run access-report -- [--trail <file|dir>]... [--json] [--check]
                                [--acknowledgements <file>]

  --trail             a trail file, or a directory of them (all its .jsonl files); repeatable
                      (default: .local/trail/ of the repository)
  --json              the report as JSON instead of a table per role
  --check             exit 1 when a grant is unused and unacknowledged, or an acknowledgement is stale
  --acknowledgements  the acknowledgements file (default: local/permission-gate/access-acknowledgements.json)`;

export interface AccessReportArgs {
  trails: string[];
  json: boolean;
  check: boolean;
  acknowledgements?: string;
}

export type ParsedAccessReportArgs = { ok: true; args: AccessReportArgs } | { ok: false; message: string };

export function parseAccessReportArgs(argv: readonly string[]): ParsedAccessReportArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        trail: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        check: { type: 'boolean' },
        acknowledgements: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.trail?.some((trail) => trail.trim() === ''))
    return { ok: false, message: '--trail needs a value' };
  if (values.acknowledgements !== undefined && values.acknowledgements.trim() === '') {
    return { ok: false, message: '--acknowledgements needs a value' };
  }
  return {
    ok: true,
    args: {
      trails: values.trail ?? [],
      json: values.json ?? false,
      check: values.check ?? false,
      ...(values.acknowledgements !== undefined && { acknowledgements: values.acknowledgements }),
    },
  };
}

export interface AccessReportContext {
  argv: readonly string[];
  /** Where the trail is when --trail is not given: `.local/trail/` of the repository. */
  defaultTrail: string;
  /** The checked-in acknowledgements, when --acknowledgements is not given. */
  defaultAcknowledgements: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Runs the command and returns its exit code: 0; 1 with --check when a grant is unused and
 * unacknowledged or an acknowledgement is stale, and whenever there is no trail or the
 * acknowledgements are invalid; 2 for bad usage (unknown flags, a --trail that does not exist).
 */
export async function runAccessReport({
  argv,
  defaultTrail,
  defaultAcknowledgements,
  out,
  err,
}: AccessReportContext): Promise<number> {
  const parsed = parseAccessReportArgs(argv);
  if (!parsed.ok) {
    err(`${parsed.message}\n${accessReportUsage}\n`);
    return 2;
  }
  const { args } = parsed;
  for (const trail of args.trails) {
    if (!(await exists(trail))) {
      err(`--trail ${trail}: no such file or directory\n${accessReportUsage}\n`);
      return 2;
    }
  }
  const trails = args.trails.length > 0 ? args.trails : [defaultTrail];
  let invalidLines = 0;
  const records: CloudTrailRecord[] = [];
  for (const trail of trails) {
    if (!(await exists(trail))) continue;
    records.push(...(await readTrail(trail, {}, { onInvalidLine: () => invalidLines++ })));
  }
  if (invalidLines > 0) err(`skipped ${invalidLines} line(s) that are not trail records\n`);
  if (records.length === 0) {
    err(
      `no trail records at ${trails.join(', ')}: run npm run demo (or the end-to-end tests) with the system's trail there first\n`,
    );
    return 1;
  }

  let acknowledgements;
  try {
    acknowledgements = await readAcknowledgements(args.acknowledgements ?? defaultAcknowledgements);
  } catch (error) {
    if (!(error instanceof AcknowledgementError)) throw error;
    err(`${error.message}\n`);
    return 1;
  }

  const grants = await grantsOf(localIamModel(scopeOfTrail(records)));
  const report = accessReport(grants, usageOf(records), acknowledgements);
  out(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatAccessReport(report));
  if (!args.check || report.ok) return 0;
  if (args.json) {
    // The table names them already; with --json, stderr does.
    for (const grant of report.unacknowledged) err(`unused and not acknowledged: ${grantName(grant)}\n`);
    for (const stale of report.stale) {
      err(
        `stale acknowledgement: ${stale.role} ${stale.sid} ${stale.action}${stale.resource ? ` ${stale.resource}` : ''}\n`,
      );
    }
  }
  return 1;
}
