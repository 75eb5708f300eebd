// Resource-based policies of the model: what the bucket itself says, whoever asks. The CDK app's
// `enforceSSL: true` synthesizes this very statement (infra/cdk's storage test compares them), and
// the local bootstrap puts it on the local bucket, so the permission gate refuses plain HTTP as S3
// does.
import type { PolicyDocument } from '@keyless/iam-policy';

/** Denies every S3 action on the bucket and its objects to a request not made over TLS. */
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
    ],
  };
}
