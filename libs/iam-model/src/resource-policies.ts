// Resource-based policies of the model: what the bucket itself says, whoever asks. The CDK app's
// `enforceSSL: true` and `minimumTLSVersion: 1.2` synthesize these very statements (infra/cdk's
// storage test compares them), and the local permission gate holds them, so it refuses plain HTTP
// to the bucket as S3 does (older TLS than 1.2 cannot even connect to the gate: Node's minimum).
import type { PolicyDocument } from '@keyless/iam-policy';

/** Denies every S3 action on the bucket and its objects to a request not made over TLS 1.2 or later. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      },
    ],
  };
}
