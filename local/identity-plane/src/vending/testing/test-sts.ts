import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { listenOnLoopback, sendText } from '../../loopback-server.ts';

export interface TestSts {
  readonly url: string;
  /** Every web-identity token received, in order, with whether it verified. */
  readonly calls: { token: string; roleSessionName: string; verified: boolean }[];
  close(): Promise<void>;
}

/**
 * Just enough of STS AssumeRoleWithWebIdentity for the SDK's web-identity provider: verifies the
 * token against the test issuer (signature, iss, aud) and answers with credentials that expire in
 * `lifetimeSeconds`. The real decision-making STS front lives in src/sts; this only lets the
 * vending tests run without it.
 */
export async function startTestSts(
  issuer: { issuerUrl: string; jwksUrl: string },
  lifetimeSeconds: number,
): Promise<TestSts> {
  const keys = createRemoteJWKSet(new URL(issuer.jwksUrl));
  const calls: TestSts['calls'] = [];
  const server = await listenOnLoopback(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const form = new URLSearchParams(body);
    const token = form.get('WebIdentityToken') ?? '';
    const roleSessionName = form.get('RoleSessionName') ?? '';
    const verified = await jwtVerify(token, keys, {
      issuer: issuer.issuerUrl,
      audience: 'sts.amazonaws.com',
    }).then(
      () => true,
      () => false,
    );
    calls.push({ token, roleSessionName, verified });
    if (form.get('Action') !== 'AssumeRoleWithWebIdentity' || !verified) {
      sendText(response, 400, stsError('InvalidIdentityToken', 'token did not verify'), {
        'content-type': 'text/xml',
      });
      return;
    }
    const expiration = new Date(Date.now() + lifetimeSeconds * 1000).toISOString();
    sendText(response, 200, stsResponse(form.get('RoleArn') ?? '', roleSessionName, expiration), {
      'content-type': 'text/xml',
    });
  });
  return { url: server.origin, calls, close: () => server.close() };
}

function stsResponse(roleArn: string, sessionName: string, expiration: string): string {
  const assumedRole = roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/');
  return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <AssumedRoleUser><Arn>${assumedRole}/${sessionName}</Arn><AssumedRoleId>AROATEST:${sessionName}</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIA${randomBytes(8).toString('hex').toUpperCase()}</AccessKeyId>
      <SecretAccessKey>${randomBytes(30).toString('base64')}</SecretAccessKey>
      <SessionToken>${randomBytes(48).toString('base64')}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
}

function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}
