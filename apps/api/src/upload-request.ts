import * as z from 'zod';

// Letters, digits and marks in any script, and a few punctuation marks: no path separators, no
// control or format characters (NUL, CR, LF, bidi overrides), so a name is safe in an S3 key, a
// header and a log line. A leading dot is refused too (hidden files, `.`, `..`).
const filenamePattern = /^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M} ._()+,=@-]*$/u;

export interface UploadLimits {
  allowedContentTypes: readonly string[];
  maxBytes: number;
}

/** The body of `POST /v1/uploads`. Unknown keys are stripped, not stored and not echoed. */
export function uploadRequestSchema({ allowedContentTypes, maxBytes }: UploadLimits) {
  return z.object({
    filename: z
      .string()
      .min(1, { error: 'must not be empty', abort: true })
      .max(255, { error: 'must be at most 255 characters', abort: true })
      .regex(
        filenamePattern,
        'may contain letters, digits, spaces and . _ ( ) + , = @ -, and must start with a letter or digit',
      ),
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

/** Zod's issues as problem `errors`: the field path and a message that never contains the input. */
export function fieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}
