import * as z from 'zod/mini';

// PostgreSQL text cannot hold NUL, and S3 keys or content types never contain one: refusing it at the
// contract turns what would be a database error on every delivery into one clear validation reason.
/** A non-empty string of at most `max` characters, without NUL. */
export const text = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.refine((value) => !value.includes('\u0000'), 'must not contain NUL characters'),
  );
