// One call through the gate (or one STS decision of the identity plane) as a CloudTrail record, in
// AWS's own format, so what a learner reads locally is what they will read in the console or query
// with Athena on AWS.
import { randomUUID } from 'node:crypto';
import { eventSourceOf, isDataEvent, isReadOnly } from './event-classes.ts';
import { redactParameters, stsResponseElements } from './redact-parameters.ts';
import { trailTime, userIdentityOf, type TrailCaller, type UserIdentity } from './user-identity.ts';

export type TrailOutcome =
  /** The gate allowed it and the emulator answered with success. */
  | { result: 'allowed'; responseElements?: Readonly<Record<string, unknown>> | null }
  /** The gate (or the identity plane) refused it: AccessDenied, SignatureDoesNotMatch, ExpiredToken, … */
  | { result: 'denied'; errorCode: string; errorMessage: string }
  /** The gate allowed it and the emulator answered with an error. */
  | { result: 'failed'; errorCode: string; errorMessage?: string };

export interface TrailCallInput {
  caller: TrailCaller;
  /** The SigV4 signing name / IAM prefix (`s3`), or a full event source (`s3.amazonaws.com`). */
  service: string;
  /** The API operation (`GetObject`), which is CloudTrail's eventName. */
  operation: string;
  region: string;
  sourceIp: string;
  userAgent?: string;
  /** Redacted by the caller already; redacted again here. */
  requestParameters?: Readonly<Record<string, unknown>> | null;
  /** ARNs of the resources the call was authorized against. */
  resources?: readonly string[];
  /** Each IAM action × resource the call was decided on (kept for the access report). */
  authorizations?: readonly { action: string; resource: string }[];
  outcome: TrailOutcome;
  /** The emulator's request id when it answered; a fresh one otherwise. */
  requestId?: string;
  /** Defaults to the caller's account, else the first resource's, else the requested role's. */
  recipientAccountId?: string;
  /** When the request arrived over TLS. */
  tls?: { version: string; cipherSuite: string; host?: string };
  /** Defaults to now. */
  eventTime?: Date;
  /** Why it was decided (the policy statement, the failed check): kept in additionalEventData. */
  reason?: string;
}

export interface CloudTrailRecord {
  eventVersion: '1.11';
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData: {
    decision: 'allowed' | 'denied';
    reason?: string;
    authorizations?: { action: string; resource: string }[];
  };
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { ARN: string; accountId?: string }[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId?: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader?: string };
}

const accountOfArn = (arn: unknown) => (typeof arn === 'string' ? arn.split(':')[4] || undefined : undefined);

function responseElementsOf(input: TrailCallInput, readOnly: boolean): Record<string, unknown> | null {
  const { outcome } = input;
  if (outcome.result !== 'allowed' || !outcome.responseElements || readOnly) return null;
  // AssumeRole* answers carry credentials: keep only what identifies them.
  if (eventSourceOf(input.service) === 'sts.amazonaws.com')
    return stsResponseElements(outcome.responseElements);
  return redactParameters(outcome.responseElements);
}

export function cloudTrailRecord(input: TrailCallInput): CloudTrailRecord {
  const { caller, outcome } = input;
  const eventSource = eventSourceOf(input.service);
  const readOnly = isReadOnly(input.operation);
  const data = isDataEvent(eventSource, input.operation);
  const requestParameters = redactParameters(input.requestParameters);
  const recipientAccountId =
    input.recipientAccountId ??
    (caller.type === 'session' ? caller.session.accountId : undefined) ??
    accountOfArn(input.resources?.[0]) ??
    accountOfArn(requestParameters?.roleArn ?? requestParameters?.RoleArn);
  return {
    eventVersion: '1.11',
    userIdentity: userIdentityOf(caller),
    eventTime: trailTime(input.eventTime ?? new Date()),
    eventSource,
    eventName: input.operation,
    awsRegion: input.region,
    sourceIPAddress: input.sourceIp,
    userAgent: input.userAgent ?? '',
    ...(outcome.result !== 'allowed' && {
      errorCode: outcome.errorCode,
      ...(outcome.errorMessage !== undefined && { errorMessage: outcome.errorMessage }),
    }),
    requestParameters,
    responseElements: responseElementsOf(input, readOnly),
    additionalEventData: {
      decision: outcome.result === 'denied' ? 'denied' : 'allowed',
      ...(input.reason !== undefined && { reason: input.reason }),
      ...(input.authorizations?.length && {
        authorizations: input.authorizations.map(({ action, resource }) => ({ action, resource })),
      }),
    },
    requestID: input.requestId ?? randomUUID(),
    eventID: randomUUID(),
    readOnly,
    ...(input.resources?.length && {
      resources: input.resources.map((arn) => ({
        ARN: arn,
        ...(accountOfArn(arn) !== undefined && { accountId: accountOfArn(arn) }),
      })),
    }),
    eventType: 'AwsApiCall',
    managementEvent: !data,
    ...(recipientAccountId !== undefined && { recipientAccountId }),
    eventCategory: data ? 'Data' : 'Management',
    ...(input.tls && {
      tlsDetails: {
        tlsVersion: input.tls.version,
        cipherSuite: input.tls.cipherSuite,
        ...(input.tls.host !== undefined && { clientProvidedHostHeader: input.tls.host }),
      },
    }),
  };
}
