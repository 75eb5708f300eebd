import * as z from 'zod';
import { parseConfig } from '@keyless/config';
import { emulators } from './emulators/emulators.ts';

const platformEnvSchema = z.object({
  /** The AWS emulator to start (docs/emulators.md says what each one has). */
  KEYLESS_EMULATOR: z.enum(emulators).default('moto'),
  /**
   * A directory with PostgreSQL's `bin/`, `lib/` and `share/` to use instead of the platform
   * package's (for a PostgreSQL of your own, or to try a broken one on purpose).
   */
  KEYLESS_POSTGRES_BINARIES: z.string().min(1).optional(),
});

let parsed: z.output<typeof platformEnvSchema> | undefined;

/** Read once, on first use: the platform is a library started from several entry points. */
export const platformEnv = () => (parsed ??= parseConfig(platformEnvSchema, process.env));
