// `npm run trail`: the arguments, which file to read, and what to print. The process wiring is in
// trail-cli.ts; everything here takes its inputs as values so the tests can run it in-process too.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CloudTrailRecord } from './cloudtrail-record.ts';
import { readTrail, type TrailFilters } from './read-trail.ts';
import { newestTrailFile } from './trail-files.ts';
import { formatTrailLine } from './trail-line.ts';

export const trailUsage = `usage: npm run trail -- [--role R] [--denied] [--since <ISO time | 10m | 2h | 1d>]
                        [--service s3] [--action s3:GetObject | GetObject] [--json] [--file path]

  --role     a role's name or ARN, a session name, or role/session
  --denied   only calls the gate or the identity plane refused
  --since    an ISO time, or a duration back from now (s, m, h, d)
  --service  an IAM service prefix (s3, sqs, sts) or an event source (s3.amazonaws.com)
  --action   service:Operation, or an Operation on any service
  --json     the records as JSON lines instead of one summary line each
  --file     a trail file, or a directory of them (default: the newest file under .local/trail/)`;

export interface TrailArgs {
  filters: TrailFilters;
  json: boolean;
  file?: string;
}

export type ParsedTrailArgs = { ok: true; args: TrailArgs } | { ok: false; message: string };

const units: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `2h` back from `now`, or an ISO time; undefined when it is neither. */
export function parseSince(value: string, now: Date): Date | undefined {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (units[relative[2] ?? ''] ?? 0));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

export function parseTrailArgs(argv: readonly string[], now: Date): ParsedTrailArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        denied: { type: 'boolean' },
        since: { type: 'string' },
        service: { type: 'string' },
        action: { type: 'string' },
        json: { type: 'boolean' },
        file: { type: 'string' },
      },
    }));
  } catch (error) {
    // parseArgs names the flag: "Unknown option '--x'", "Option '--since <value>' argument missing".
    return { ok: false, message: (error as Error).message };
  }
  const filters: TrailFilters = {};
  for (const name of ['role', 'service', 'action', 'since', 'file'] as const) {
    if (values[name] !== undefined && values[name].trim() === '') {
      return { ok: false, message: `--${name} needs a value` };
    }
  }
  if (values.role !== undefined) filters.role = values.role;
  if (values.denied) filters.denied = true;
  if (values.service !== undefined) {
    if (!/^[a-z0-9-]+(\.amazonaws\.com)?$/i.test(values.service)) {
      return { ok: false, message: `--service ${values.service}: expected a service prefix such as s3` };
    }
    filters.service = values.service;
  }
  if (values.action !== undefined) {
    if (!/^([a-z0-9-]+:)?[A-Za-z0-9]+$/i.test(values.action)) {
      return { ok: false, message: `--action ${values.action}: expected s3:GetObject or GetObject` };
    }
    filters.action = values.action;
  }
  if (values.since !== undefined) {
    const since = parseSince(values.since, now);
    if (!since) return { ok: false, message: `--since ${values.since}: expected an ISO time or 10m, 2h, 1d` };
    filters.since = since;
  }
  return {
    ok: true,
    args: { filters, json: values.json ?? false, ...(values.file && { file: values.file }) },
  };
}

export interface TrailCommandContext {
  argv: readonly string[];
  /** Where the trail is when --file is not given: `.local/trail/` of the repository. */
  defaultDir: string;
  now: Date;
  out: (text: string) => void;
  err: (text: string) => void;
}

const noTrail = (where: string) =>
  `no trail yet at ${where}: start the system with npm start; the gate records every call\n`;

/** Runs the command and returns its exit code: 0, 1 (no trail), 2 (bad flags). */
export async function runTrailCommand({
  argv,
  defaultDir,
  now,
  out,
  err,
}: TrailCommandContext): Promise<number> {
  const parsed = parseTrailArgs(argv, now);
  if (!parsed.ok) {
    err(`${parsed.message}\n${trailUsage}\n`);
    return 2;
  }
  const { filters, json, file } = parsed.args;
  let path = file;
  if (path === undefined) {
    path = await newestTrailFile(defaultDir);
    if (path === undefined) {
      err(noTrail(defaultDir));
      return 1;
    }
  } else {
    const found = await stat(path).catch(() => undefined);
    if (!found || (found.isDirectory() && (await newestTrailFile(path)) === undefined)) {
      err(noTrail(path));
      return 1;
    }
  }
  let invalid = 0;
  const records: CloudTrailRecord[] = await readTrail(path, filters, { onInvalidLine: () => invalid++ });
  for (const record of records) out((json ? JSON.stringify(record) : formatTrailLine(record)) + '\n');
  if (invalid > 0) err(`skipped ${invalid} line(s) of ${path} that are not records\n`);
  if (records.length === 0) err(`no records in ${path} match\n`);
  return 0;
}
