import * as z from 'zod';
import { filenameRefusal } from './filename-rules.ts';
import type { FieldError } from '../http/problem-details.ts';

/** The user's file name, exactly as sent (never normalised), if `filenameRefusal` finds no fault. */
const filename = z.string().check((ctx) => {
  const refusal = filenameRefusal(ctx.value);
  if (refusal)
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: refusal.message,
      params: { reason: refusal.reason },
    });
});

export interface UploadLimits {
  allowedContentTypes: readonly string[];
  maxBytes: number;
}

/** The body of `POST /v1/uploads`. Unknown keys are stripped, not stored and not echoed. */
export function uploadRequestSchema({ allowedContentTypes, maxBytes }: UploadLimits) {
  return z.object({
    filename,
    contentType: z.enum(allowedContentTypes as [string, ...string[]], {
      error: `must be one of ${allowedContentTypes.join(', ')}`,
    }),
    size: z
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(1, 'must be at least 1 byte')
      .max(maxBytes, `must be at most ${maxBytes} bytes`),
  });
}

export type UploadRequest = z.output<ReturnType<typeof uploadRequestSchema>>;

export const listUploadsQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'must be a whole number from 1 to 100')
        .max(100, 'must be a whole number from 1 to 100'),
    )
    .default(20),
  cursor: z.string().max(256, 'is not a valid cursor').optional(),
});

/**
 * Zod's issues as problem `errors`: the field path, a message that never contains the input, and
 * for a refused file name the stable `reason` (the rule it breaks) a client can switch on.
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const reason = issue.code === 'custom' ? issue.params?.reason : undefined;
    return {
      path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
      message: issue.message,
      ...(typeof reason === 'string' && { reason }),
    };
  });
}
