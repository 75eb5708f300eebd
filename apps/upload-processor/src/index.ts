// The function itself is `src/handler.ts` (bundled); these exports are for its tests and for infra.
export { uploadProcessorConfigSchema, type UploadProcessorConfig } from './config.ts';
export { decodeS3Key } from './decode-s3-key.ts';
export type { InvocationSummary } from './handle-invocation.ts';
export type { RecordResult } from './process-record.ts';
