// What each role may do once assumed: named actions on named resources, nothing else. The
// model refuses wildcard actions and Resource "*" (validate-role.ts), so a convenience grant
// cannot creep in here unnoticed.
import { REPORTS_PREFIX } from '@keyless/contracts';
import type { PolicyDocument, Statement } from '@keyless/iam-policy';
import { resourceArns } from './arns.ts';
import type { IamModelParams, RoleName } from './model-types.ts';

const allow = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({
  Sid,
  Effect: 'Allow',
  Action,
  Resource,
});

/** What every person may read: the files bucket's listing and reports, the uploads table, the queues' depth. */
const peopleRead = (arn: ReturnType<typeof resourceArns>): Statement[] => [
  allow('ListFiles', ['s3:ListBucket'], arn.bucket),
  allow('ReadReports', ['s3:GetObject'], arn.reportObjects),
  allow('ReadUploads', ['dynamodb:GetItem', 'dynamodb:Query'], arn.uploadsTable),
  allow('InspectLedgerQueues', ['sqs:GetQueueAttributes'], [arn.ledgerEventsQueue, arn.ledgerEventsDlq]),
];

const document = (...statements: Statement[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** The team whose operators handle the ledger's dead letters (the `team` session tag's value). */
export const LEDGER_TEAM = 'ledger';

export function permissionPolicies(params: IamModelParams, role: RoleName): Record<string, PolicyDocument> {
  const arn = resourceArns(params);
  switch (role) {
    case 'api':
      return {
        permissions: document(
          // No UpdateItem: the upload-processor records results; the api only creates and reads.
          allow('UploadsTable', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], arn.uploadsTable),
          // A presigned URL carries the signer's permissions: the api can only hand out uploads
          // into incoming/ and downloads from reports/.
          allow('PresignUploads', ['s3:PutObject'], arn.incomingObjects),
          allow('PresignReportDownloads', ['s3:GetObject'], arn.reportObjects),
          // Never listed: S3 answers a GetObject of a missing key with 404 NoSuchKey only to a
          // caller allowed s3:ListBucket there (403 AccessDenied otherwise), and the api tells
          // "no report yet" from a denial by that 404.
          {
            ...allow('FindLatestReport', ['s3:ListBucket'], arn.bucket),
            Condition: { StringLike: { 's3:prefix': `${REPORTS_PREFIX}*` } },
          },
        ),
      };
    case 'upload-processor':
      return {
        permissions: document(
          allow('ReadUploads', ['s3:GetObject', 's3:GetObjectVersion'], arn.incomingObjects),
          allow('UploadsTable', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], arn.uploadsTable),
          allow('PublishLedgerEvents', ['sqs:SendMessage'], arn.ledgerEventsQueue),
          allow('OnFailureDestination', ['sqs:SendMessage'], arn.uploadFailuresQueue),
          // The log group ARN appears both bare and with ':*' (CreateLogStream is authorized
          // against the group, PutLogEvents against its streams).
          allow(
            'OwnLogGroup',
            ['logs:CreateLogStream', 'logs:PutLogEvents'],
            [arn.lambdaLogGroup, `${arn.lambdaLogGroup}:*`],
          ),
          // The function runs on every ObjectCreated in incoming/. A write there would invoke it
          // again, forever. An explicit Deny cannot be outweighed by any Allow added later
          // (say s3:PutObject on the whole bucket for derived files), so it stays true. Multipart
          // uploads and copies are authorized as s3:PutObject too.
          {
            Sid: 'NeverWriteIncoming',
            Effect: 'Deny',
            Action: 's3:PutObject',
            Resource: arn.incomingObjects,
          },
        ),
      };
    case 'ledger-worker':
      return {
        permissions: document(
          // No grant on the DLQ: SQS itself moves a message there after maxReceiveCount receives.
          allow(
            'ConsumeLedgerEvents',
            ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
            arn.ledgerEventsQueue,
          ),
          allow(
            'WriterSecret',
            ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            arn.writerSecret,
          ),
        ),
      };
    case 'usage-reporter':
      return {
        permissions: document(
          allow('PublishReports', ['s3:PutObject', 's3:GetObject'], arn.reportObjects),
          // No secret: the reporter logs in through the ledger's RDS Proxy with a 15-minute IAM
          // token, as this one database user and no other (the proxy holds ledger/reader).
          allow('ConnectAsLedgerReader', ['rds-db:connect'], arn.readerDbUser),
        ),
      };
    case 'deploy':
      return {
        permissions: document(
          // `cdk deploy` does its work through the CDK bootstrap roles, which trust this account;
          // the CloudFormation execution role is passed by the deploy role, never assumed here.
          allow('AssumeCdkBootstrapRoles', ['sts:AssumeRole'], arn.cdkDeployRoles),
          allow('RollEcsServices', ['ecs:UpdateService', 'ecs:DescribeServices'], arn.ecsServices),
          allow('DescribeEksCluster', ['eks:DescribeCluster'], arn.eksCluster),
        ),
      };
    case 'developer':
      // Read-only: a developer looks, and changes things only through the deploy pipeline.
      return { permissions: document(...peopleRead(arn)) };
    case 'operator':
      return {
        permissions: document(
          ...peopleRead(arn),
          // ABAC: the session's `team` tag (the IdP's PrincipalTag attribute, allowed by the trust
          // policy's TeamSessionTag) decides who handles the ledger's dead letters, so moving a
          // person between teams in the IdP changes what they may do without touching IAM.
          {
            ...allow(
              'LedgerTeamDeadLetters',
              ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
              arn.ledgerEventsDlq,
            ),
            Condition: { StringEquals: { 'aws:PrincipalTag/team': LEDGER_TEAM } },
          },
        ),
      };
    case 'diff':
      return {
        permissions: document(
          allow('AssumeCdkLookupRole', ['sts:AssumeRole'], arn.cdkLookupRole),
          allow(
            'ReadKeylessStacks',
            ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'],
            arn.stacks,
          ),
        ),
      };
  }
}
