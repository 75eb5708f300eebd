// Issue #17's acceptance: every test that removes one statement of one role sees that hop fail
// with AccessDenied, the message naming the action and the resource, generated over every
// (role, statement) pair of @keyless/iam-model. For each action of each statement the real SDK
// client (or, for ECS, EKS, CloudFormation and Logs, which the workspace has no client for, a
// request built as theirs are and signed by @smithy/signature-v4) sends the call to a capture
// server, and decideCall decides it as the role: with its whole policy (allowed, or for a Deny
// statement, denied explicitly), and with that one statement removed (denied).
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  buildIamModel,
  defaultResourceNames,
  LEDGER_TEAM,
  ROLE_NAMES,
  type IamModelParams,
  type RoleName,
} from '@keyless/iam-model';
import type { PolicyDocument } from '@keyless/iam-policy';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decideCall, type DecideDeps } from '../src/decide-call.ts';
import type { GateRequest } from '../src/gate-request.ts';
import { createIssuedSessions } from '../src/issued-sessions.ts';
import type { ResourceNames } from '../src/resource-names.ts';
import type { RolePolicySource } from '../src/role-policies.ts';
import {
  startCaptureServer,
  throwawayCredentials,
  type CaptureServer,
} from './authorize/support/capture-server.ts';
import { sendCommand } from './authorize/support/sdk-config.ts';
import { NodeSha256 } from '@keyless/testing';
import { json11Call, queryCall, sendSigned, type HandBuiltCall } from './authorize/support/signed-call.ts';
import {
  ACCESS_DENIED_CODES,
  ACCOUNT,
  generateMatrix,
  listOf,
  patternMatches,
  REGION,
  REQUEST_BUILDERS,
  SECRET_SUFFIX,
  statementsOf,
  UPLOADS_PARTITION_KEY,
  withoutStatement,
  type MatrixCase,
} from './matrix/model-cases.ts';

const params: IamModelParams = {
  partition: 'aws',
  accountId: ACCOUNT,
  region: REGION,
  names: { ...defaultResourceNames },
  eksOidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
  githubOidcIssuer: 'token.actions.githubusercontent.com',
  github: { owner: 'o', repo: 'r' },
  lambdaFunctionName: 'upload-processor',
  eksClusterName: 'keyless',
};
const model = buildIamModel(params);
const matrix = generateMatrix(model.roles);

// One session per role, signed with credentials made for this run. People's sessions carry the
// `team` session tag their IdP sets (the operator's ABAC grant decides on it).
const sessions = createIssuedSessions();
const credentialsByRole = new Map(
  ROLE_NAMES.map((role) => {
    const credentials = { ...throwawayCredentials(), sessionToken: `token-of-${role}-matrix-session` };
    sessions.recordRoleSession({
      credentials: { ...credentials, expiration: new Date(Date.now() + 3_600_000) },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/matrix`,
      sessionName: 'matrix',
      ...((role === 'developer' || role === 'operator') && { tags: { team: LEDGER_TEAM } }),
    });
    return [role, credentials] as const;
  }),
);

const names: ResourceNames = {
  prepare: async () => undefined,
  keySchema: (table, index) =>
    table === params.names.uploadsTable && index === undefined ? UPLOADS_PARTITION_KEY : undefined,
  secretArn: (idOrName) =>
    idOrName.startsWith('arn:')
      ? undefined
      : `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${idOrName}-${SECRET_SUFFIX}`,
};

/** decideCall's dependencies, the role's policies being `policies` (an IAM token at `dbiResourceId`). */
function deps(policies: Record<string, PolicyDocument>, dbiResourceId?: string): DecideDeps {
  const roles: RolePolicySource = {
    get: async () => ({ identity: policies }),
    forget: () => undefined,
  };
  return {
    sessions,
    roles,
    names,
    region: REGION,
    accountId: ACCOUNT,
    ...(dbiResourceId !== undefined && { dbiResourceId }),
  };
}

/** An IAM database token as @aws-sdk/rds-signer presigns it, as the proxy hands it to decideCall. */
async function databaseToken(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  dbUser: string,
): Promise<GateRequest> {
  const host = 'ledger-proxy.matrix:5432';
  const signer = new SignatureV4({ service: 'rds-db', region: REGION, credentials, sha256: NodeSha256 });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: 'ledger-proxy.matrix',
      port: 5432,
      path: '/',
      headers: { host },
      query: { Action: 'connect', DBUser: dbUser },
    },
    { expiresIn: 900 },
  );
  return {
    method: 'GET',
    path: '/',
    query: new URLSearchParams(presigned.query as Record<string, string>).toString(),
    headers: { host },
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    secureTransport: true,
  };
}

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

/** An SDK command class: what `new` makes is sent by `sendCommand`. */
type CommandClass = new (input: never) => object;

function handBuilt(build: Extract<MatrixCase['call'], { kind: 'hand' }>): HandBuiltCall {
  const { service } = build;
  switch (build.build.protocol) {
    case 'json-1.1':
      return json11Call(service, build.build.target, build.build.body);
    case 'query':
      return queryCall(service, build.build.version, build.build.action, build.build.fields);
    case 'rest-json':
      return { service, method: build.build.method, path: build.build.path };
  }
}

/** The call, sent as `role` by the client that makes it, as the capture server received it. */
async function captured(role: RoleName, matrixCase: MatrixCase): Promise<GateRequest> {
  const credentials = credentialsByRole.get(role);
  if (!credentials) throw new Error(`no credentials for ${role}`);
  const config = { endpoint: server.endpoint, region: REGION, credentials, maxAttempts: 1 };
  const { call } = matrixCase;
  switch (call.kind) {
    case 'hand':
      return server.capture(() => sendSigned(server.endpoint, REGION, credentials, handBuilt(call)));
    case 's3': {
      const s3 = new S3Client({ ...config, forcePathStyle: true });
      const commands: Record<typeof call.operation, CommandClass> = {
        PutObject: PutObjectCommand,
        GetObject: GetObjectCommand,
        ListObjectsV2: ListObjectsV2Command,
      };
      const input = call.operation === 'PutObject' ? { ...call.input, Body: 'matrix' } : call.input;
      return server.capture(() => sendCommand(s3, new commands[call.operation](input as never)));
    }
    case 'dynamodb': {
      const commands: Record<typeof call.operation, CommandClass> = {
        GetItem: GetItemCommand,
        PutItem: PutItemCommand,
        Query: QueryCommand,
        UpdateItem: UpdateItemCommand,
      };
      return server.capture(() =>
        sendCommand(new DynamoDBClient(config), new commands[call.operation](call.input as never)),
      );
    }
    case 'sqs': {
      const commands: Record<typeof call.operation, CommandClass> = {
        SendMessage: SendMessageCommand,
        ReceiveMessage: ReceiveMessageCommand,
        DeleteMessage: DeleteMessageCommand,
        ChangeMessageVisibility: ChangeMessageVisibilityCommand,
        GetQueueAttributes: GetQueueAttributesCommand,
      };
      const QueueUrl = `${server.endpoint}/${ACCOUNT}/${call.queueName}`;
      return server.capture(() =>
        sendCommand(
          new SQSClient(config),
          new commands[call.operation]({ ...call.input, QueueUrl } as never),
        ),
      );
    }
    case 'secretsmanager': {
      const commands: Record<typeof call.operation, CommandClass> = {
        GetSecretValue: GetSecretValueCommand,
        DescribeSecret: DescribeSecretCommand,
      };
      return server.capture(() =>
        sendCommand(new SecretsManagerClient(config), new commands[call.operation](call.input as never)),
      );
    }
    case 'sts':
      return server.capture(() =>
        sendCommand(new STSClient(config), new AssumeRoleCommand(call.input as never)),
      );
    case 'rds-db':
      return databaseToken(credentials, call.dbUser);
  }
}

const serviceOf = (action: string) => action.slice(0, action.indexOf(':'));

describe('the model matrix covers the whole model', () => {
  test('every action of every statement has a request builder (add one to test/matrix/model-cases.ts)', () => {
    expect(matrix.unmapped.map(({ role, label, action }) => `${role} ${label} ${action}`)).toEqual([]);
  });

  test('every (role, statement, action) has at least one case', () => {
    expect(matrix.uncovered.map(({ role, label, action }) => `${role} ${label} ${action}`)).toEqual([]);
    const covered = new Set(matrix.cases.map(({ role, label, action }) => `${role} ${label} ${action}`));
    for (const ref of statementsOf(model.roles)) {
      for (const action of listOf(ref.statement.Action))
        expect(covered).toContain(`${ref.role} ${ref.label} ${action}`);
    }
    expect(new Set(matrix.cases.map(({ role }) => role))).toEqual(new Set(ROLE_NAMES));
  });

  test('the only resource patterns no call reaches are the bare log group (streams are authorized on log-stream ARNs)', () => {
    expect(
      matrix.unreachable.map(({ role, label, action, pattern }) => `${role} ${label} ${action} ${pattern}`),
    ).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents'].map(
        (action) =>
          `upload-processor OwnLogGroup ${action} arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/upload-processor`,
      ),
    );
  });

  test('each case resource is one its pattern matches, and each action has a builder', () => {
    for (const matrixCase of matrix.cases) {
      expect(REQUEST_BUILDERS[matrixCase.action]).toBeDefined();
      expect(matrixCase.resource).not.toMatch(/[*?]/);
      expect(patternMatches(matrixCase.pattern, matrixCase.resource), matrixCase.name).toBe(true);
    }
  });
});

describe.each(ROLE_NAMES)('%s', (role) => {
  const cases = matrix.cases.filter((matrixCase) => matrixCase.role === role);
  const policies = model.roles.find((r) => r.name === role)?.policies ?? {};

  test.each(cases.map((matrixCase) => [matrixCase.name, matrixCase] as const))(
    '%s',
    async (_, matrixCase) => {
      const request = await captured(role, matrixCase);
      const code = ACCESS_DENIED_CODES[serviceOf(matrixCase.action)];
      const denial = `is not authorized to perform: ${matrixCase.action} on resource: ${matrixCase.resource}`;

      const proxy = matrixCase.call.kind === 'rds-db' ? matrixCase.call.dbiResourceId : undefined;
      const whole = await decideCall(request, deps(policies, proxy));
      const without = await decideCall(request, deps(withoutStatement(policies, matrixCase), proxy));

      if (matrixCase.statement.Effect === 'Allow') {
        expect(whole, JSON.stringify(whole.allowed ? whole.resolved : whole.error)).toMatchObject({
          allowed: true,
        });
        if (whole.allowed) {
          expect(
            whole.resolved.authorizations.map(({ action, resource }) => [action, resource]),
          ).toContainEqual([matrixCase.action, matrixCase.resource]);
        }
      } else {
        expect(whole).toMatchObject({ allowed: false, stage: 'authorize', error: { code } });
        if (!whole.allowed) {
          expect(whole.error.message).toContain(denial);
          expect(whole.error.message).toContain('with an explicit deny in an identity-based policy');
        }
      }

      if (matrixCase.withoutIt === 'allowed') {
        expect(without).toMatchObject({ allowed: true });
        return;
      }
      expect(without, JSON.stringify(without.allowed ? without.resolved : without.error)).toMatchObject({
        allowed: false,
        stage: 'authorize',
        error: { code },
      });
      if (!without.allowed) {
        expect(without.error.message).toContain(denial);
        expect(without.error.message).toContain(
          `because no identity-based policy allows the ${matrixCase.action} action`,
        );
      }
    },
  );
});

describe("session tags: the operator's ABAC grant decides on aws:PrincipalTag/team", () => {
  const operatorPolicies = model.roles.find((r) => r.name === 'operator')?.policies ?? {};
  const dlqUrl = () => `${server.endpoint}/${ACCOUNT}/${params.names.ledgerEventsDlq}`;

  async function receiveAs(tags: Record<string, string> | undefined) {
    const credentials = {
      ...throwawayCredentials(),
      sessionToken: `token-of-operator-${JSON.stringify(tags)}`,
    };
    sessions.recordRoleSession({
      credentials: { ...credentials, expiration: new Date(Date.now() + 3_600_000) },
      roleArn: `arn:aws:iam::${ACCOUNT}:role/operator`,
      assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/operator/omar`,
      sessionName: 'omar',
      ...(tags && { tags }),
    });
    const client = new SQSClient({ endpoint: server.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const request = await server.capture(() =>
      sendCommand(client, new ReceiveMessageCommand({ QueueUrl: dlqUrl() } as never)),
    );
    return decideCall(request, deps(operatorPolicies));
  }

  test(`team=${LEDGER_TEAM}: allowed`, async () => {
    expect(await receiveAs({ team: LEDGER_TEAM })).toMatchObject({ allowed: true });
  });

  test.each([[{ team: 'web' }], [undefined]])(
    'tags %j: denied, naming the action and the queue',
    async (tags) => {
      const decision = await receiveAs(tags);
      expect(decision).toMatchObject({ allowed: false, stage: 'authorize', error: { code: 'AccessDenied' } });
      if (!decision.allowed) {
        expect(decision.error.message).toContain(
          `is not authorized to perform: sqs:ReceiveMessage on resource: arn:aws:sqs:${REGION}:${ACCOUNT}:${params.names.ledgerEventsDlq}`,
        );
      }
    },
  );
});
