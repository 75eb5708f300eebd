// ECS (JSON 1.1), EKS (REST-JSON) and CloudFormation (query): what the deploy and diff roles call.
// The workspace has no SDK client for them, so each request is built as those clients build it,
// signed by @smithy/signature-v4 and sent through the capture server (support/signed-call.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/authenticate/authenticate-request.ts';
import { renderAwsError } from '../../src/authorize/render-aws-error.ts';
import { createIssuedSessions } from '../../src/issued-sessions.ts';
import { startCaptureServer, throwawayCredentials, type CaptureServer } from './support/capture-server.ts';
import { ACCOUNT, REGION, permissions, refused, resolved } from './support/resolve.ts';
import { json11Call, queryCall, sendSigned, type HandBuiltCall } from './support/signed-call.ts';

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

const credentials = { ...throwawayCredentials(), sessionToken: 'token-of-the-deploy-session' };
const capture = (call: HandBuiltCall) =>
  server.capture(() => sendSigned(server.endpoint, REGION, credentials, call));

const ecs = (operation: string, body: object) =>
  capture(json11Call('ecs', `AmazonEC2ContainerServiceV20141113.${operation}`, body));
const cloudformation = (action: string, fields: Record<string, string>) =>
  capture(queryCall('cloudformation', '2010-05-15', action, fields));
const eks = (method: 'GET' | 'POST', path: string) => capture({ service: 'eks', method, path });

const ECS = `arn:aws:ecs:${REGION}:${ACCOUNT}`;
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack`;

describe('ECS (JSON 1.1)', () => {
  it('UpdateService is ecs:UpdateService on the service in its cluster, with ecs:cluster and the request keys', async () => {
    const result = resolved(
      'ecs',
      await ecs('UpdateService', {
        cluster: 'keyless',
        service: 'api',
        taskDefinition: 'api:7',
        forceNewDeployment: true,
        enableExecuteCommand: false,
      }),
    );
    expect(result.protocol).toBe('json-1.1');
    expect(result.operation).toBe('UpdateService');
    expect(result.readOnly).toBe(false);
    expect(permissions(result)).toEqual([['ecs:UpdateService', `${ECS}:service/keyless/api`]]);
    expect(result.authorizations[0]?.context).toEqual({
      'ecs:cluster': `${ECS}:cluster/keyless`,
      'ecs:task-definition': `${ECS}:task-definition/api:7`,
      'ecs:enable-execute-command': 'false',
    });
    expect(result.requestParameters).toMatchObject({ cluster: 'keyless', service: 'api' });
  });

  it('names given as ARNs are taken as given; no cluster means the default cluster', async () => {
    const byArn = resolved(
      'ecs',
      await ecs('UpdateService', {
        cluster: `${ECS}:cluster/keyless`,
        service: `${ECS}:service/keyless/ledger-worker`,
      }),
    );
    expect(permissions(byArn)).toEqual([['ecs:UpdateService', `${ECS}:service/keyless/ledger-worker`]]);
    const defaulted = resolved('ecs', await ecs('UpdateService', { service: 'api' }));
    expect(permissions(defaulted)).toEqual([['ecs:UpdateService', `${ECS}:service/default/api`]]);
    expect(defaulted.authorizations[0]?.context).toEqual({ 'ecs:cluster': `${ECS}:cluster/default` });
  });

  it('DescribeServices: one ecs:DescribeServices per service, read-only', async () => {
    const result = resolved(
      'ecs',
      await ecs('DescribeServices', {
        cluster: 'keyless',
        services: ['api', `${ECS}:service/keyless/worker`],
      }),
    );
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([
      ['ecs:DescribeServices', `${ECS}:service/keyless/api`],
      ['ecs:DescribeServices', `${ECS}:service/keyless/worker`],
    ]);
    expect(result.authorizations[1]?.context).toEqual({ 'ecs:cluster': `${ECS}:cluster/keyless` });
  });

  it('DescribeServices naming no service, and unmapped operations, are refused in ECS words', async () => {
    expect(refused('ecs', await ecs('DescribeServices', { cluster: 'keyless' })).error).toMatchObject({
      status: 400,
      code: 'InvalidParameterException',
    });
    const failure = refused('ecs', await ecs('DeleteService', { cluster: 'keyless', service: 'api' }));
    expect(failure.error).toMatchObject({ status: 400, code: 'AccessDeniedException' });
    expect(failure.error.message).toContain('DeleteService');
    expect(failure.protocol).toBe('json-1.1');
  });

  it('a service ARN of another service type is refused (fails closed)', async () => {
    const failure = refused('ecs', await ecs('UpdateService', { service: 'arn:aws:s3:::bucket' }));
    expect(failure.error.message).toContain('IAM catalogue');
  });
});

describe('EKS (REST-JSON)', () => {
  it('GET /clusters/<name> is eks:DescribeCluster on the cluster', async () => {
    const result = resolved('eks', await eks('GET', '/clusters/keyless'));
    expect(result.protocol).toBe('rest-json');
    expect(result.operation).toBe('DescribeCluster');
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([
      ['eks:DescribeCluster', `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/keyless`],
    ]);
    expect(result.requestParameters).toEqual({ name: 'keyless' });
  });

  it('anything else is refused as EKS AccessDeniedException 403', async () => {
    for (const [method, path] of [
      ['GET', '/clusters'],
      ['POST', '/clusters/keyless/update-config'],
    ] as const) {
      const failure = refused('eks', await eks(method, path));
      expect(failure.error).toMatchObject({ status: 403, code: 'AccessDeniedException' });
      expect(failure.protocol).toBe('rest-json');
    }
  });

  it('a REST-JSON refusal carries the code in x-amzn-ErrorType and the message in the body', () => {
    const rendered = renderAwsError(
      'rest-json',
      'eks',
      { status: 403, code: 'AccessDeniedException', message: 'no' },
      'req-1',
    );
    expect(rendered.status).toBe(403);
    expect(rendered.headers['x-amzn-ErrorType']).toBe('AccessDeniedException');
    expect(JSON.parse(rendered.body)).toEqual({ message: 'no' });
  });
});

describe('CloudFormation (query)', () => {
  it('DescribeStacks by ARN is cloudformation:DescribeStacks on that stack', async () => {
    const arn = `${STACK}/keyless-app/0b1c2d3e-0000-1111-2222-333344445555`;
    const result = resolved('cloudformation', await cloudformation('DescribeStacks', { StackName: arn }));
    expect(result.protocol).toBe('query');
    expect(result.readOnly).toBe(true);
    expect(permissions(result)).toEqual([['cloudformation:DescribeStacks', arn]]);
    expect(result.requestParameters).toEqual({ stackName: arn });
  });

  it('by name (as cdk diff asks), the stack ID the gate does not know is `*`', async () => {
    const describe = resolved(
      'cloudformation',
      await cloudformation('DescribeStacks', { StackName: 'keyless-app' }),
    );
    expect(permissions(describe)).toEqual([['cloudformation:DescribeStacks', `${STACK}/keyless-app/*`]]);
    const template = resolved(
      'cloudformation',
      await cloudformation('GetTemplate', { StackName: 'keyless-app', TemplateStage: 'Original' }),
    );
    expect(permissions(template)).toEqual([['cloudformation:GetTemplate', `${STACK}/keyless-app/*`]]);
    expect(template.requestParameters).toEqual({ stackName: 'keyless-app', templateStage: 'Original' });
  });

  it('DescribeStacks of every stack is authorized on `*` (its stack resource type is optional)', async () => {
    const result = resolved('cloudformation', await cloudformation('DescribeStacks', {}));
    expect(permissions(result)).toEqual([['cloudformation:DescribeStacks', '*']]);
  });

  it('GetTemplate without StackName and unmapped actions are refused as AccessDenied 403', async () => {
    for (const [action, fields] of [
      ['GetTemplate', { ChangeSetName: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/c/1` }],
      ['DeleteStack', { StackName: 'keyless-app' }],
    ] as const) {
      const failure = refused('cloudformation', await cloudformation(action, fields));
      expect(failure.error).toMatchObject({ status: 403, code: 'AccessDenied' });
      expect(failure.protocol).toBe('query');
    }
  });
});

describe('authentication knows the three signing names, each in its service family', () => {
  const sessions = createIssuedSessions();
  sessions.recordRoleSession({
    credentials: { ...credentials, expiration: new Date(Date.now() + 3_600_000) },
    roleArn: `arn:aws:iam::${ACCOUNT}:role/deploy`,
    assumedRoleArn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/gh`,
    sessionName: 'gh',
  });
  const cases = [
    [
      'ecs',
      () => ecs('DescribeServices', { cluster: 'keyless', services: ['api'] }),
      'UnrecognizedClientException',
      400,
      'InvalidSignatureException',
      400,
    ],
    [
      'eks',
      () => eks('GET', '/clusters/keyless'),
      'UnrecognizedClientException',
      403,
      'InvalidSignatureException',
      403,
    ],
    [
      'cloudformation',
      () => cloudformation('DescribeStacks', { StackName: 'keyless-app' }),
      'InvalidClientTokenId',
      403,
      'SignatureDoesNotMatch',
      403,
    ],
  ] as const;

  it.each(cases)(
    '%s: a signed request authenticates; an unknown key is %s %d; a changed one %s %d',
    async (service, send, unknownCode, unknownStatus, signatureCode, signatureStatus) => {
      const request = await send();
      const now = new Date();
      const ok = authenticateRequest(request, sessions, { now, region: REGION });
      expect(ok).toMatchObject({ ok: true, service });
      const unknown = authenticateRequest(request, createIssuedSessions(), { now, region: REGION });
      expect(unknown).toMatchObject({ ok: false, error: { code: unknownCode, status: unknownStatus } });
      const changed = authenticateRequest(
        {
          ...request,
          headers: { ...request.headers, 'x-amz-date': request.headers['x-amz-date'] ?? '' },
          path: `${request.path}x`,
        },
        sessions,
        { now, region: REGION },
      );
      expect(changed).toMatchObject({ ok: false, error: { code: signatureCode, status: signatureStatus } });
    },
  );
});
