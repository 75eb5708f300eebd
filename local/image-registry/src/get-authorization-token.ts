// ECR's GetAuthorizationToken, answered by the local system once the permission gate has verified
// the caller's signature and decided ecr:GetAuthorizationToken: a password sealed with the
// caller's identity and a 12-hour expiry, in the response shape the AWS CLI and SDKs parse
// (`aws ecr get-login-password` prints the part after `AWS:`).
import type { LocalAnswer } from '@keyless/permission-gate';
import { LOGIN_PASSWORD_LIFETIME_MS, type PasswordSealer } from './login-password.ts';

export function getAuthorizationTokenAnswer(
  sealer: PasswordSealer,
  registryEndpoint: string,
  now: () => Date = () => new Date(),
): LocalAnswer {
  return async ({ session }) => {
    if (!session.role) {
      // The emulator's administrator (root) pushes nothing: images are pushed by roles.
      return json(400, {
        __type: 'AccessDeniedException',
        message: `User: ${session.arn} is not a role session; the local registry admits role sessions only`,
      });
    }
    const expiresAt = new Date(now().getTime() + LOGIN_PASSWORD_LIFETIME_MS);
    const password = sealer.seal({
      sessionArn: session.arn,
      roleArn: session.role.arn,
      roleName: session.role.name,
      sessionName: session.role.sessionName,
      accountId: session.accountId,
      accessKeyId: session.accessKeyId,
      sessionIssuedAt: session.issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    return json(200, {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          // The JSON protocol's timestamps: epoch seconds.
          expiresAt: expiresAt.getTime() / 1000,
          proxyEndpoint: registryEndpoint,
        },
      ],
    });
  };
}

function json(status: number, body: unknown) {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  };
}
