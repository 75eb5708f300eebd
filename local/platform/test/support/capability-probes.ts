// One probe per capability of src/emulators/emulator-capabilities.ts: it does against a running
// emulator what the project relies on, and answers whether the emulator did what AWS does. A
// probe that meets anything else throws, so a probe can never pass by failing for another reason.
import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { emulatorAccountId, type AdminClients } from '@keyless/emulator-admin';
import type { Capability } from '../../src/emulators/emulator-capabilities.ts';

export interface ProbeTarget {
  clients: AdminClients;
  endpoint: string;
  region: string;
}

type Probe = (target: ProbeTarget) => Promise<boolean>;

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A service the emulator does not serve answers 501 (LocalStack: not in core, or not started). */
async function unlessAbsent(attempt: () => Promise<boolean>): Promise<boolean> {
  try {
    return await attempt();
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 501)
      return false;
    throw error;
  }
}

/**
 * A bucket named for its probe, not at random: LocalStack keeps a directory per bucket name under
 * a fixed /tmp path that outlives it, so fixed names keep those few.
 */
async function newBucket({ clients, region }: ProbeTarget, bucket: string): Promise<string> {
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
    }),
  );
  return bucket;
}

async function newQueue({ clients }: ProbeTarget, attributes: Record<string, string> = {}) {
  const { QueueUrl: url } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: unique('probe'), Attributes: attributes }),
  );
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  if (!url || !Attributes?.QueueArn) throw new Error('CreateQueue gave no URL or ARN');
  return { url, arn: Attributes.QueueArn };
}

async function receiveBodies({ clients }: ProbeTarget, queueUrl: string, visibilityTimeout?: number) {
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
    }),
  );
  return Messages.map((message) => message.Body ?? '');
}

interface S3EventRecord {
  eventName: string;
  s3: { object: { key: string; eTag?: string; sequencer?: string } };
}

/** Writes one key twice with ObjectCreated notifications to a queue; the two events, in write order. */
async function eventsOfTwoWrites(
  target: ProbeTarget,
  bucketName: string,
): Promise<(S3EventRecord | undefined)[]> {
  const { s3 } = target.clients;
  const bucket = await newBucket(target, bucketName);
  const queue = await newQueue(target);
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
  const eTags: string[] = [];
  for (const body of ['first', 'second']) {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'same-key', Body: body }));
    eTags.push((ETag ?? '').replaceAll('"', ''));
  }
  const records: S3EventRecord[] = [];
  for (let attempt = 0; attempt < 10 && records.length < 2; attempt += 1) {
    for (const body of await receiveBodies(target, queue.url)) {
      // S3's s3:TestEvent, sent when the configuration is put, has no records.
      records.push(...((JSON.parse(body) as { Records?: S3EventRecord[] }).Records ?? []));
    }
  }
  return eTags.map((eTag) => records.find((record) => record.s3.object.eTag === eTag));
}

/** How S3 documents comparing two sequencers of one key (as apps/upload-processor does). */
const comparable = (sequencer: string) => sequencer.toUpperCase().padEnd(64, '0');

async function newRole({ clients }: ProbeTarget, trustPolicy: object): Promise<string> {
  const { Role } = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: unique('probe'),
      AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
    }),
  );
  if (!Role?.Arn) throw new Error('CreateRole gave no ARN');
  return Role.Arn;
}

const trustEveryone = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
};

/** The bootstrap's password policy (local/platform/src/bootstrap/user-directory.ts). */
const bootstrapPasswordPolicy = {
  MinimumLength: 14,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

interface JwtParts {
  header: { alg?: string; kid?: string };
  payload: { iss?: string; token_use?: string };
  signingInput: string;
  signature: Buffer;
}

function jwtParts(token: string): JwtParts {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as object;
  return {
    header: json(header),
    payload: json(payload),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

export const probes: Record<Capability, Probe> = {
  s3: async (target) => {
    const bucket = await newBucket(target, 'probe-objects');
    await target.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'probe.txt', Body: 'probe' }));
    const object = await target.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'probe.txt' }));
    return (await object.Body?.transformToString()) === 'probe';
  },

  's3-event-notifications': async (target) => {
    const events = await eventsOfTwoWrites(target, 'probe-notifications');
    return events.every(
      (event) => event?.eventName.startsWith('ObjectCreated') && event.s3.object.key === 'same-key',
    );
  },

  's3-event-sequencer': async (target) => {
    const [first, second] = (await eventsOfTwoWrites(target, 'probe-sequencer')).map(
      (event) => event?.s3.object.sequencer,
    );
    if (first === undefined || second === undefined) return false;
    return comparable(first) < comparable(second);
  },

  // S3 writes the key form-encoded, its slashes kept: a space as '+', a plus as '%2B' (what
  // upload-processor's decodeS3Key undoes, as it undoes the other emulators' forms).
  's3-event-key-encoding': async (target) => {
    const { s3 } = target.clients;
    const bucket = await newBucket(target, 'probe-key-encoding');
    const queue = await newQueue(target);
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/red flower+1.txt', Body: 'x' }));
    let key: string | undefined;
    for (let attempt = 0; attempt < 10 && key === undefined; attempt += 1) {
      for (const body of await receiveBodies(target, queue.url)) {
        key ??= (JSON.parse(body) as { Records?: S3EventRecord[] }).Records?.[0]?.s3.object.key;
      }
    }
    if (key === 'incoming/red+flower%2B1.txt') return true;
    // The other forms met: a space as '%20' (LocalStack core), a slash as '%2F' (moto).
    if (key === 'incoming/red%20flower%2B1.txt' || key === 'incoming%2Fred+flower%2B1.txt') return false;
    throw new Error(`an event with the key ${key}`);
  },

  's3-key-length-limit': async (target) => {
    const bucket = await newBucket(target, 'probe-key-length');
    try {
      await target.clients.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1025), Body: 'x' }),
      );
      return false;
    } catch (error) {
      if ((error as Error).name === 'KeyTooLongError') return true;
      throw error;
    }
  },

  // Signed with an IAM user's key, which every emulator knows the secret of.
  's3-presigned-url-signature': async (target) => {
    const { iam, s3 } = target.clients;
    const bucket = await newBucket(target, 'probe-presigned');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'signed.txt', Body: 'signed' }));
    const userName = unique('presigner');
    await iam.send(new CreateUserCommand({ UserName: userName }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new Error('CreateAccessKey gave no key');
    const signer = new S3Client({
      region: target.region,
      endpoint: target.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey },
    });
    const url = await getSignedUrl(signer, new GetObjectCommand({ Bucket: bucket, Key: 'signed.txt' }), {
      expiresIn: 300,
    });
    const genuine = await fetch(url);
    if (genuine.status !== 200) throw new Error(`a genuine presigned URL got HTTP ${genuine.status}`);
    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const answer = await fetch(forged);
    if (answer.status !== 200 && answer.status !== 403)
      throw new Error(`a forged URL got HTTP ${answer.status}`);
    return answer.status === 403;
  },

  dynamodb: (target) =>
    unlessAbsent(async () => {
      const { dynamodb } = target.clients;
      const table = unique('probe');
      await dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { id: { S: 'probe' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { id: { S: 'probe' } } }),
      );
      return Item?.id?.S === 'probe';
    }),

  sqs: async (target) => {
    const queue = await newQueue(target);
    await target.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'probe' }));
    const { Messages = [] } = await target.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }),
    );
    const [message] = Messages;
    if (!message) return false;
    await target.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
    );
    return message.Body === 'probe';
  },

  'sqs-redrive': async (target) => {
    const deadLetters = await newQueue(target);
    const queue = await newQueue(target, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 1 }),
    });
    await target.clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    const received = await receiveBodies(target, queue.url, 1);
    if (received.length !== 1) throw new Error(`the first receive got ${received.length} messages`);
    await sleep(1_500);
    // The receive after the last allowed one moves the message instead of returning it.
    const again = await receiveBodies(target, queue.url);
    const moved = await receiveBodies(target, deadLetters.url);
    return again.length === 0 && moved.includes('poison');
  },

  'secrets-manager': async (target) => {
    const { secretsManager } = target.clients;
    const name = unique('probe/secret');
    await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: 'one' }));
    await secretsManager.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'two' }));
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: name }));
    return SecretString === 'two';
  },

  // What a rotation does: the pending version becomes AWSCURRENT by UpdateSecretVersionStage.
  'secrets-current-version': async (target) => {
    const { secretsManager } = target.clients;
    const name = unique('probe/rotated');
    const created = await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: 'old' }));
    const pending = await secretsManager.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'new', VersionStages: ['AWSPENDING'] }),
    );
    await secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending.VersionId,
        RemoveFromVersionId: created.VersionId,
      }),
    );
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: name }));
    return SecretString === 'new';
  },

  iam: async (target) => {
    const { iam } = target.clients;
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${unique('issuer')}.example`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['0'.repeat(40)],
      }),
    );
    const roleName = (await newRole(target, trustEveryone)).split('/').pop() ?? '';
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::probe/*' }],
    };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'probe',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const { PolicyDocument } = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'probe' }),
    );
    return JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')).Statement?.[0]?.Action === 's3:GetObject';
  },

  sts: async (target) => {
    const roleArn = await newRole(target, trustEveryone);
    const { Credentials } = await target.clients.sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'probe' }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) return false;
    const session = new STSClient({
      region: target.region,
      endpoint: target.endpoint,
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        sessionToken: Credentials.SessionToken,
      },
    });
    const { Arn } = await session.send(new GetCallerIdentityCommand({}));
    return Arn?.endsWith(`:assumed-role/${roleArn.split('/').pop()}/probe`) ?? false;
  },

  // What the identity plane does to watch refreshes: asks the emulator for one-minute sessions.
  'sts-short-sessions': async (target) => {
    const roleArn = await newRole(target, trustEveryone);
    const { Credentials } = await target.clients.sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'probe', DurationSeconds: 60 }),
    );
    const remaining = (Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    if (remaining <= 0) throw new Error(`a session that expires in ${remaining} ms`);
    return remaining <= 61_000;
  },

  'cognito-user-pools': (target) =>
    unlessAbsent(async () => {
      const { cognito } = target.clients;
      const { UserPool } = await cognito.send(new CreateUserPoolCommand({ PoolName: unique('probe') }));
      const poolId = UserPool?.Id ?? '';
      const { UserPoolClient } = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: 'probe',
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      const password = `Pr0be-${randomBytes(8).toString('hex')}!`;
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'probe',
          MessageAction: 'SUPPRESS',
          TemporaryPassword: password,
        }),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: poolId,
          Username: 'probe',
          Password: password,
          Permanent: true,
        }),
      );
      const { AuthenticationResult } = await cognito.send(
        new InitiateAuthCommand({
          ClientId: UserPoolClient?.ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'probe', PASSWORD: password },
        }),
      );
      const token = jwtParts(AuthenticationResult?.AccessToken ?? '');
      const jwks = (await (await fetch(`${target.endpoint}/${poolId}/.well-known/jwks.json`)).json()) as {
        keys: (JsonWebKey & { kid?: string })[];
      };
      const jwk = jwks.keys.find((key) => key.kid === token.header.kid);
      if (!jwk || token.header.alg !== 'RS256') return false;
      const signed = verify(
        'RSA-SHA256',
        Buffer.from(token.signingInput),
        createPublicKey({ key: jwk, format: 'jwk' }),
        token.signature,
      );
      return (
        signed &&
        token.payload.token_use === 'access' &&
        token.payload.iss === `https://cognito-idp.${target.region}.amazonaws.com/${poolId}`
      );
    }),

  'cognito-generated-temporary-password': (target) =>
    unlessAbsent(async () => {
      const { cognito } = target.clients;
      const { UserPool } = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: unique('probe'),
          Policies: { PasswordPolicy: bootstrapPasswordPolicy },
        }),
      );
      try {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId: UserPool?.Id,
            Username: 'probe',
            MessageAction: 'SUPPRESS',
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'InvalidPasswordException') return false;
        throw error;
      }
    }),

  'fixed-account-id': async (target) => {
    const { Account } = await target.clients.sts.send(new GetCallerIdentityCommand({}));
    const queue = await newQueue(target);
    return Account === emulatorAccountId && queue.arn.split(':')[4] === emulatorAccountId;
  },

  // Signed with a key id that is not 12 digits, as a tool with placeholder credentials would sign.
  'account-whatever-access-key': async (target) => {
    const credentials = { accessKeyId: 'placeholder-key', secretAccessKey: 'placeholder-secret' };
    const config = { region: target.region, endpoint: target.endpoint, credentials };
    const { Account } = await new STSClient(config).send(new GetCallerIdentityCommand({}));
    const { QueueUrl } = await new SQSClient(config).send(
      new CreateQueueCommand({ QueueName: unique('probe') }),
    );
    const { Attributes } = await new SQSClient(config).send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueAccount = Attributes?.QueueArn?.split(':')[4];
    if (Account !== queueAccount) throw new Error(`caller in ${Account}, its queue in ${queueAccount}`);
    return Account === emulatorAccountId;
  },

  'web-identity-token-validation': async (target) => {
    const roleArn = await newRole(target, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${emulatorAccountId}:oidc-provider/issuer.example` },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    });
    try {
      await target.clients.sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: 'probe',
          WebIdentityToken: 'not-a-token',
        }),
      );
      return false;
    } catch (error) {
      if (['InvalidIdentityToken', 'IDPRejectedClaim'].includes((error as Error).name)) return true;
      throw error;
    }
  },
};
