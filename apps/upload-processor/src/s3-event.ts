import * as z from 'zod/mini';

const nonEmpty = () => z.string().check(z.minLength(1));
const record = z.object({
  eventName: nonEmpty(),
  eventTime: z.iso.datetime({ offset: true }),
  s3: z.object({
    bucket: z.object({ name: nonEmpty() }),
    object: z.object({
      key: nonEmpty(),
      size: z.int().check(z.minimum(0)),
      eTag: nonEmpty(),
      // Present only in versioned buckets (some producers send null instead of leaving it out).
      versionId: z.nullish(nonEmpty()),
      // S3 sets it on PUT and DELETE events; emulators often leave it out.
      sequencer: z.optional(
        z.string().check(z.regex(/^[0-9A-Fa-f]{1,64}$/, 'expected up to 64 hexadecimal digits')),
      ),
    }),
  }),
});

/**
 * What S3 delivers: records of object events, or the `s3:TestEvent` it sends once when a
 * notification is configured.
 */
export const s3Notification = z.union([
  z.object({ Event: z.literal('s3:TestEvent'), Bucket: z.string() }),
  z.object({ Records: z.array(record).check(z.minLength(1)) }),
]);

export type S3EventRecord = z.output<typeof record>;

/** Parses an invocation's event; anything else is an error, so it ends in the failure destination. */
export function parseS3Notification(event: unknown) {
  const result = s3Notification.safeParse(event);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
    .join('; ');
  throw new Error(`not an S3 event notification: ${problems}`);
}
