import { awsEnv, httpUrl } from '@keyless/config';
import { serviceContextEnv } from '@keyless/service';
import * as z from 'zod/mini';

const nonEmpty = () => z.string().check(z.minLength(1));

/** What the function reads from its environment, parsed once per execution environment (cold start). */
export const uploadProcessorConfigSchema = z.object({
  ...awsEnv.shape,
  ...serviceContextEnv.shape,
  /** The `uploads` table the api created the upload's item in. */
  UPLOADS_TABLE: nonEmpty(),
  /** Where `upload.processed` messages go (the `ledger-events` queue). */
  LEDGER_EVENTS_QUEUE_URL: httpUrl,
});

export type UploadProcessorConfig = z.output<typeof uploadProcessorConfigSchema>;
