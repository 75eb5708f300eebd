// Everything that differs between one deployment and another comes in as CDK context (cdk.json
// or `-c keyless:<key>=<value>`), is validated here once, and is passed to the stacks as a typed
// object. Synth never looks anything up in an AWS account, so it runs offline.
import type { Node } from 'constructs';
import * as z from 'zod';

/** Context keys are namespaced so they cannot collide with CDK's own (feature flags, lookups). */
export const CONTEXT_PREFIX = 'keyless:';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

// `-c key=a,b` arrives as a string; cdk.json can hold a real array. Accept both.
const list = z.union([
  z.array(z.string()),
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
]);

const ipv4Cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/, 'expected an IPv4 CIDR such as 203.0.113.0/24')
  .refine((cidr) => !cidr.endsWith('/0'), 'a /0 range would open the Kubernetes API to the internet');

const fields = z.object({
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account ID'),
  region: z.string().regex(REGION, 'expected an AWS Region code such as eu-west-1'),
  availabilityZones: list.pipe(
    z
      .array(
        z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, 'expected Availability Zones such as eu-west-1a'),
      )
      .min(2, 'expected at least two Availability Zones'),
  ),
  githubOwner: z.string().regex(/^[A-Za-z0-9](-?[A-Za-z0-9])*$/, 'expected a GitHub user or organization'),
  githubRepo: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a GitHub repository name'),
  certificateArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
      'expected an ACM certificate ARN',
    ),
  imageTag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'expected a container image tag such as a git commit SHA'),
  eksPublicAccessCidrs: list.pipe(z.array(ipv4Cidr)).default([]),
  eksAdminRoleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN')
    .optional(),
  alarmEmail: z.email().optional(),
  bucketName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name')
    .optional(),
  uploadProcessorBundle: z.string().min(1),
  /** The IAM SAML provider people sign in through, and the file holding its IdP's metadata XML. */
  samlProviderName: z
    .string()
    .regex(/^[\w.-]{1,128}$/, 'expected an IAM SAML provider name (letters, digits, . _ -)')
    .default('CorporateIdP'),
  samlMetadataFile: z.string().min(1, "expected the path of your IdP's SAML metadata XML"),
});

export const settingsSchema = fields
  .superRefine((settings, ctx) => {
    // Checked once every field is valid on its own.
    for (const zone of settings.availabilityZones) {
      if (!zone.startsWith(settings.region)) {
        ctx.addIssue({
          code: 'custom',
          path: ['availabilityZones'],
          message: `'${zone}' is not an Availability Zone of ${settings.region}`,
        });
      }
    }
  })
  .transform((settings) => ({
    ...settings,
    // Bucket names are global across all AWS accounts, so the default carries account and Region.
    bucketName: settings.bucketName ?? `keyless-files-${settings.account}-${settings.region}`,
  }));

export type Settings = z.output<typeof settingsSchema>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Reads every `keyless:*` context value, and reports all problems at once. */
export function readSettings(node: Node): Settings {
  const raw = Object.fromEntries(
    Object.keys(fields.shape).map((key) => [key, node.tryGetContext(`${CONTEXT_PREFIX}${key}`)]),
  );
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  ${CONTEXT_PREFIX}${String(issue.path[0] ?? '')}: ${issue.message}`,
  );
  throw new SettingsError(`invalid CDK context:\n${problems.join('\n')}`);
}
