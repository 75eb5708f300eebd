// Grants the trail does not use but that stay, each with the reason written down, as cdk-nag's
// acknowledgements are: local/permission-gate/access-acknowledgements.json.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';

export const acknowledgementSchema = z.strictObject({
  /** The model's role name (`upload-processor`). */
  role: z.string().min(1),
  /** The statement's Sid. */
  sid: z.string().min(1),
  /** The action as expanded (`s3:GetObjectVersion`) or as the statement wrote it (`s3:Get*`). */
  action: z.string().regex(/^([a-z0-9-]+:[A-Za-z0-9*?]+|\*)$/, 'expected service:Action'),
  /**
   * The grant's resource pattern; may itself use `*` and `?` (matched against the pattern as
   * written, so `arn:aws:logs:*:*:log-group:/aws/lambda/*` covers any account and region).
   * Absent: every resource of the statement.
   */
  resource: z.string().min(1).optional(),
  /** Why the grant stays although no call used it. */
  reason: z
    .string()
    .trim()
    .min(20, 'a reason says why the grant stays although nothing used it: at least 20 characters'),
});

export const acknowledgementsSchema = z.array(acknowledgementSchema);

export type Acknowledgement = z.output<typeof acknowledgementSchema>;

export class AcknowledgementError extends Error {
  override name = 'AcknowledgementError';
}

/** Validates the file's contents; throws AcknowledgementError naming every problem and where. */
export function parseAcknowledgements(json: unknown, source = 'acknowledgements'): Acknowledgement[] {
  const parsed = acknowledgementsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  ${issue.path.length > 0 ? `[${issue.path.join('.')}] ` : ''}${issue.message}`,
  );
  throw new AcknowledgementError(`${source} is not valid:\n${problems.join('\n')}`);
}

export async function readAcknowledgements(file: string): Promise<Acknowledgement[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AcknowledgementError(`${file}: ${(error as Error).message}`);
  }
  return parseAcknowledgements(json, file);
}
