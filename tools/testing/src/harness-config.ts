import * as z from 'zod';
import { parseConfig } from '@keyless/config';
import { emulators } from '@keyless/local-platform';

const harnessEnv = z.object({
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  /** An emulator someone else runs: tests share it and isolate by unique resource names. */
  AWS_ENDPOINT_URL: z.url().optional(),
  /** A PostgreSQL someone else runs, with a user that may CREATE DATABASE. */
  DATABASE_URL: z.url().optional(),
  DOCKER_HOST: z.string().optional(),
  LOCALSTACK_AUTH_TOKEN: z.string().min(1).optional(),
  /** The emulator to start (a test may ask for another): moto, ministack or localstack. */
  KEYLESS_EMULATOR: z.enum(emulators).default('moto'),
  /** Forces a backend instead of detecting one. */
  KEYLESS_TEST_BACKEND: z.enum(['containers', 'processes']).optional(),
});

export type HarnessConfig = z.output<typeof harnessEnv>;

export const harnessConfig = (env: Record<string, string | undefined> = process.env): HarnessConfig =>
  parseConfig(harnessEnv, env);
