import { join } from 'node:path';
import { emulators, repoRoot } from '@keyless/local-platform';
import { durationSeconds } from '@keyless/config';
import * as z from 'zod';
import { composeEnv } from './compose-tasks.ts';

export const localStateDir = join(repoRoot, '.local');

export const systemEnv = z.object({
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  /** Use an emulator that is already running (LocalStack with a token, or another moto). */
  AWS_ENDPOINT_URL: z.url().optional(),
  /**
   * The emulator to start (`npm start -- --emulator <name>` sets it; docs/emulators.md); unset,
   * the platform's own setting (the same variable in the process environment), else moto.
   */
  KEYLESS_EMULATOR: z.enum(emulators).optional(),
  /** Use an existing PostgreSQL (a user that may create databases and roles) instead of an embedded one. */
  DATABASE_URL: z.url().optional(),
  /** `<owner>/<repo>` that the `deploy`/`diff` roles trust, as on GitHub. */
  KEYLESS_GITHUB_REPOSITORY: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'expected <owner>/<repo>')
    .default('keyless-example/keyless'),
  /** Where the running system is described for scripts and tools. */
  KEYLESS_PLATFORM_FILE: z.string().min(1).default(join(localStateDir, 'platform.json')),
  /** Every service appends its spans here, so `npm run demo` can print one trace across all hops. */
  KEYLESS_TRACES_FILE: z.string().min(1).default(join(localStateDir, 'traces.jsonl')),
  /** How often the usage-reporter runs, like its CronJob schedule. */
  KEYLESS_REPORT_INTERVAL_SECONDS: z._default(durationSeconds, 300),
  /** The local CloudTrail's directory: one JSON-lines file per day (`npm run trail`). */
  KEYLESS_TRAIL_DIR: z.string().min(1).default(join(localStateDir, 'trail')),
  /** The local CA's certificate (made at every start): what workloads and curl trust for the gate's HTTPS. */
  KEYLESS_CA_FILE: z.string().min(1).default(join(localStateDir, 'keyless-local-ca.pem')),
  /** Where projected service-account token files are written. */
  KEYLESS_TOKEN_DIR: z.string().min(1).default(join(localStateDir, 'tokens')),
  /** The AWS CLI's own variable: where `npm run sso` writes the profile (default ~/.aws/config). */
  AWS_CONFIG_FILE: z.string().min(1).optional(),
  /** Where `npm run sso` keeps each profile's session for its credential_process (owner-only files). */
  KEYLESS_SSO_DIR: z.string().min(1).default(join(localStateDir, 'sso')),
  /** docker compose only: see compose-tasks.ts. */
  ...composeEnv.shape,
});

export type SystemConfig = z.output<typeof systemEnv>;

export function githubRepository(config: SystemConfig): { owner: string; repo: string } {
  const [owner = '', repo = ''] = config.KEYLESS_GITHUB_REPOSITORY.split('/');
  return { owner, repo };
}
