import { z } from 'zod';
import { platformFile } from './paths.ts';

export const platformEnv = z.object({
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  /** Use an emulator that is already running (LocalStack with a token, or another moto). */
  AWS_ENDPOINT_URL: z.url().optional(),
  /** Use an existing PostgreSQL (a user that may create databases and roles) instead of an embedded one. */
  DATABASE_URL: z.url().optional(),
  /** `<owner>/<repo>` that the `deploy`/`diff` roles trust, as on GitHub. */
  KEYLESS_GITHUB_REPOSITORY: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'expected <owner>/<repo>')
    .default('keyless-example/keyless'),
  /** Where the running platform is described for scripts and tools. */
  KEYLESS_PLATFORM_FILE: z.string().min(1).default(platformFile),
});

export type PlatformConfig = z.output<typeof platformEnv>;
