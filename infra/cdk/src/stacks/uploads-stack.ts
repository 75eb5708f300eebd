import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { INCOMING_PREFIX } from '@keyless/contracts';
import type { Construct } from 'constructs';
import { LAMBDA_FUNCTION_NAME, type KeylessIamModel } from '../iam/iam-model.ts';
import { ModelRole } from '../iam/model-role.ts';
import { commonEnvironment } from '../service-environment.ts';
import { uploadProcessorCode } from '../upload-processor-code.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export interface UploadsStackProps extends KeylessStackProps {
  model: KeylessIamModel;
  accessLogs: s3.IBucket;
  uploadsTable: dynamodb.ITableV2;
  ledgerEvents: sqs.IQueue;
  uploadProcessorBundle: string;
}

/**
 * The files bucket and the function that fingerprints every object created under `incoming/`.
 * They share a stack because the bucket's notification and the function's invoke permission must
 * be created in one order by one deployment.
 */
export class UploadsStack extends KeylessStack {
  readonly bucket: s3.Bucket;
  readonly uploadProcessor: lambda.Function;
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: UploadsStackProps) {
    super(scope, id, props);
    const { model } = props;
    const names = model.params.names;

    this.bucket = new s3.Bucket(this, 'Files', {
      bucketName: names.bucket,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `s3/${names.bucket}/`,
      lifecycleRules: [
        // Incomplete presigned multipart uploads otherwise stay (and cost) forever.
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.failures = new sqs.Queue(this, 'UploadProcessorFailures', {
      queueName: names.uploadFailuresQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const role = new ModelRole(this, 'UploadProcessorRole', { definition: model.role('upload-processor') });
    const logGroup = new logs.LogGroup(this, 'UploadProcessorLogs', {
      // The name the model's log permissions are scoped to; the role may not create log groups.
      logGroupName: `/aws/lambda/${LAMBDA_FUNCTION_NAME}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.uploadProcessor = new lambda.Function(this, 'UploadProcessor', {
      functionName: LAMBDA_FUNCTION_NAME,
      description: 'Fingerprints each object created under incoming/ and publishes a ledger event',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: uploadProcessorCode(this, props.uploadProcessorBundle),
      role: role.role,
      memorySize: 512,
      // Streams objects of up to a few hundred MB through sha256.
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 20,
      logGroup,
      environment: {
        ...commonEnvironment(LAMBDA_FUNCTION_NAME),
        UPLOADS_TABLE: props.uploadsTable.tableName,
        LEDGER_EVENTS_QUEUE_URL: props.ledgerEvents.queueUrl,
        NODE_OPTIONS: '--enable-source-maps',
      },
      // S3 invokes asynchronously: two retries, then the event goes to the failure queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.failures),
    });

    // The notification is configured natively (no CDK custom resource). Both sides name each
    // other by literal ARN, so there is no reference cycle; the permission must exist first,
    // because S3 checks it when the notification is saved.
    const invoke = new lambda.CfnPermission(this, 'S3InvokesUploadProcessor', {
      action: 'lambda:InvokeFunction',
      functionName: this.uploadProcessor.functionArn,
      principal: 's3.amazonaws.com',
      sourceAccount: this.account,
      sourceArn: `arn:${this.partition}:s3:::${names.bucket}`,
    });
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      lambdaConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          function: this.uploadProcessor.functionArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: INCOMING_PREFIX }] } },
        },
      ],
    };
    cfnBucket.node.addDependency(invoke);

    new CfnOutput(this, 'FilesBucket', { value: this.bucket.bucketName });
  }
}
