// ECR's API as the AWS SDK sends it: only GetAuthorizationToken is mapped (on no resource, as the
// Service Authorization Reference lists it); any other operation is refused, never guessed.
import { DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from './support/capture-server.ts';
import { refused, resolved } from './support/resolve.ts';
import { sdkConfig, sendCommand } from './support/sdk-config.ts';

let server: CaptureServer;
let ecr: ECRClient;
beforeAll(async () => {
  server = await startCaptureServer();
  ecr = new ECRClient(sdkConfig(server.endpoint));
});
afterAll(() => server.close());

describe('ECR', () => {
  it('GetAuthorizationToken: ecr:GetAuthorizationToken on *, JSON 1.1, read-only', async () => {
    const request = await server.capture(() => sendCommand(ecr, new GetAuthorizationTokenCommand({})));
    const result = resolved('ecr', request);
    expect(result.protocol).toBe('json-1.1');
    expect(result.operation).toBe('GetAuthorizationToken');
    expect(result.readOnly).toBe(true);
    expect(result.authorizations).toEqual([
      { action: 'ecr:GetAuthorizationToken', resource: '*', context: {} },
    ]);
  });

  it('any other ECR operation is refused, saying the gate cannot map it', async () => {
    const request = await server.capture(() => sendCommand(ecr, new DescribeRepositoriesCommand({})));
    expect(refused('ecr', request).error).toMatchObject({ code: 'AccessDeniedException', status: 400 });
  });
});
