import * as z from 'zod';

/**
 * The JSON that RDS-managed secrets (and the rotation templates) use; the local bootstrap writes the
 * same shape, so one parser serves both.
 */
export const databaseSecret = z.object({
  engine: z.literal('postgres').optional(),
  host: z.string().min(1),
  port: z.union([z.int().min(1).max(65_535), z.string().regex(/^\d+$/).transform(Number)]),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Absent from RDS master user secrets, which are not tied to one database. */
  dbname: z.string().min(1).optional(),
});

export type DatabaseSecret = z.output<typeof databaseSecret>;

/** Parses a SecretString; the error names the bad fields, never their values. */
export function parseDatabaseSecret(secretId: string, value: string): DatabaseSecret {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error(`secret ${secretId} is not JSON`);
  }
  const result = databaseSecret.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new Error(`secret ${secretId} is not a PostgreSQL secret (bad fields: ${fields})`);
  }
  return result.data;
}
