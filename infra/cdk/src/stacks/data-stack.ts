import { CfnOutput, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ResourceNames } from '@keyless/iam-model';
import type { Construct } from 'constructs';
import { POSTGRES_PORT } from './database-access.ts';
import { KeylessStack, type KeylessStackProps } from './keyless-stack.ts';

export interface DataStackProps extends KeylessStackProps {
  vpc: ec2.IVpc;
  names: ResourceNames;
}

export const DATABASE_NAME = 'ledger';
export const DATABASE_USERS = { writer: 'ledger_writer', reader: 'ledger_reader' } as const;
// Characters that break connection strings or shell quoting when a password is pasted somewhere.
const PASSWORD_EXCLUDED = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';
const ROTATION_PERIOD = Duration.days(30);

/**
 * State: the uploads table, the ledger-events queue and its dead-letter queue, the ledger
 * database with one Secrets Manager secret per database user, and the bucket that receives
 * access logs from S3 and the load balancer.
 */
export class DataStack extends KeylessStack {
  readonly accessLogs: s3.Bucket;
  readonly uploadsTable: dynamodb.TableV2;
  readonly ledgerEvents: sqs.Queue;
  readonly ledgerEventsDlq: sqs.Queue;
  readonly database: rds.DatabaseInstance;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly writerSecret: secretsmanager.ISecret;
  readonly readerSecret: secretsmanager.ISecret;
  /** The usage-reporter's way in: IAM database authentication only, TLS only. */
  readonly ledgerProxy: rds.DatabaseProxy;
  readonly ledgerProxySecurityGroup: ec2.SecurityGroup;
  /** `prx-…`: what the usage-reporter role's `rds-db:connect` grant names (dbuser ARN). */
  readonly ledgerProxyResourceId: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { vpc, names } = props;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // Log delivery (S3 server access logs, ELB) supports SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.uploadsTable = new dynamodb.TableV2(this, 'Uploads', {
      tableName: names.uploadsTable,
      partitionKey: { name: 'ownerSub', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'uploadId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.ledgerEventsDlq = new sqs.Queue(this, 'LedgerEventsDlq', {
      queueName: names.ledgerEventsDlq,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.ledgerEvents = new sqs.Queue(this, 'LedgerEvents', {
      queueName: names.ledgerEventsQueue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The worker extends visibility for slow messages; this is the first lease.
      visibilityTimeout: Duration.seconds(60),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.ledgerEventsDlq, maxReceiveCount: 5 },
    });

    const databaseSecurityGroup = (this.databaseSecurityGroup = new ec2.SecurityGroup(
      this,
      'DatabaseSecurityGroup',
      {
        vpc,
        description:
          'ledger database: PostgreSQL from the ledger-worker, the EKS nodes and secret rotation only',
        allowAllOutbound: false,
      },
    ));
    this.database = new rds.DatabaseInstance(this, 'Ledger', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18_3 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      port: POSTGRES_PORT,
      securityGroups: [databaseSecurityGroup],
      multiAz: true,
      storageEncrypted: true,
      allocatedStorage: 50,
      maxAllocatedStorage: 200,
      storageType: rds.StorageType.GP3,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('ledger_admin', {
        secretName: 'ledger/admin',
        excludeCharacters: PASSWORD_EXCLUDED,
      }),
      parameterGroup: new rds.ParameterGroup(this, 'LedgerParameters', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18_3 }),
        parameters: { 'rds.force_ssl': '1' },
      }),
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      enablePerformanceInsights: true,
      backupRetention: Duration.days(14),
      deletionProtection: true,
      autoMinorVersionUpgrade: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });

    // The rotation functions log in to the database to change passwords, so they are the one
    // other client the database admits.
    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'SecretRotationSecurityGroup', {
      vpc,
      description: 'Secrets Manager rotation functions of the ledger database secrets',
      allowAllOutbound: false,
    });
    // Isolated subnets have no route out: 443 reaches only the Secrets Manager endpoint.
    rotationSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager endpoint');
    rotationSecurityGroup.addEgressRule(
      databaseSecurityGroup,
      ec2.Port.tcp(POSTGRES_PORT),
      'ledger database',
    );
    databaseSecurityGroup.addIngressRule(
      rotationSecurityGroup,
      ec2.Port.tcp(POSTGRES_PORT),
      'secret rotation',
    );
    const rotate = (secret: secretsmanager.ISecret, id: string) =>
      secret.addRotationSchedule(id, {
        hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
          vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          securityGroups: [rotationSecurityGroup],
          excludeCharacters: PASSWORD_EXCLUDED,
        }),
        automaticallyAfter: ROTATION_PERIOD,
      });
    if (!this.database.secret) throw new Error('the database has no admin secret');
    rotate(this.database.secret, 'AdminRotation');

    // One secret per database user, in the RDS JSON shape the services read
    // ({ engine, host, port, username, password, dbname }). Single-user rotation: the user
    // changes its own password, exactly what the worker's secret cache is tested against.
    const userSecret = (id: string, username: string, secretName: string) => {
      const secret = new rds.DatabaseSecret(this, id, {
        username,
        secretName,
        dbname: DATABASE_NAME,
        excludeCharacters: PASSWORD_EXCLUDED,
      }).attach(this.database);
      rotate(secret, `${id}Rotation`);
      return secret;
    };
    this.writerSecret = userSecret('WriterSecret', DATABASE_USERS.writer, names.writerSecret);
    this.readerSecret = userSecret('ReaderSecret', DATABASE_USERS.reader, names.readerSecret);

    // RDS Proxy in front of the ledger for the usage-reporter: clients present an IAM token (no
    // password is accepted, iamAuth REQUIRED) over TLS only; the proxy logs in with the reader's
    // secret, which its own role (created here, GetSecretValue on that one secret) alone reads.
    // The worker keeps its Secrets Manager credential and goes to the database directly.
    const proxySecurityGroup = (this.ledgerProxySecurityGroup = new ec2.SecurityGroup(
      this,
      'LedgerProxySecurityGroup',
      {
        vpc,
        description: 'ledger RDS Proxy: PostgreSQL from the EKS nodes (usage-reporter) only',
        allowAllOutbound: false,
      },
    ));
    // The proxy → database rules (both ways, on the instance's port) are the DatabaseProxy construct's.
    this.ledgerProxy = new rds.DatabaseProxy(this, 'LedgerProxy', {
      dbProxyName: 'keyless-ledger',
      proxyTarget: rds.ProxyTarget.fromInstance(this.database),
      secrets: [this.readerSecret],
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [proxySecurityGroup],
      iamAuth: true,
      requireTLS: true,
      clientPasswordAuthType: rds.ClientPasswordAuthType.POSTGRES_SCRAM_SHA_256,
      idleClientTimeout: Duration.minutes(30),
      debugLogging: false,
    });
    // arn:aws:rds:<region>:<account>:db-proxy:<resource id>: the id is the seventh field.
    this.ledgerProxyResourceId = Fn.select(6, Fn.split(':', this.ledgerProxy.dbProxyArn));

    new CfnOutput(this, 'DatabaseEndpoint', { value: this.database.dbInstanceEndpointAddress });
    new CfnOutput(this, 'LedgerProxyEndpoint', { value: this.ledgerProxy.endpoint });
    new CfnOutput(this, 'LedgerEventsQueueUrl', { value: this.ledgerEvents.queueUrl });
  }
}
