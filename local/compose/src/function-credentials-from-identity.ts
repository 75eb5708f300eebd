// The upload-processor container's credential issuer: the execution role's credentials come from
// the identity container (local/system's function credentials endpoint), whose STS front issued
// them, so the permission gate there knows the function's keys. An STS front of this container's
// own would issue keys the gate refuses as unknown (UnrecognizedClientException).
import { readFile } from 'node:fs/promises';
import type { ServiceCredentialIssuer } from '@keyless/identity-plane';
import * as z from 'zod';

const LAMBDA_PRINCIPAL = 'lambda.amazonaws.com';

/** What the endpoint answers: the execution role's session, as the ECS agent's endpoint shapes it. */
const vendedCredentials = z.object({
  RoleArn: z.string(),
  AccessKeyId: z.string().min(1),
  SecretAccessKey: z.string().min(1),
  Token: z.string().min(1),
  Expiration: z.iso.datetime(),
});

const refusal = z.object({ code: z.string(), message: z.string() }).partial();

export interface FunctionCredentialsSource {
  /** The function's credentials URL at the identity container (FUNCTION_CREDENTIALS_URL). */
  url: string;
  /** Its token, on a volume only the two containers mount (FUNCTION_CREDENTIALS_TOKEN_FILE). */
  tokenFile: string;
}

/**
 * An issuer for the local Lambda runtime that asks the identity container. The identity container
 * decides the principal, session name and aws:SourceArn itself (the function it registered): this
 * side only checks that the role it got is the one it was asked for.
 */
export function functionCredentialsFromIdentity({
  url,
  tokenFile,
}: FunctionCredentialsSource): ServiceCredentialIssuer {
  return async (request) => {
    if (request.service !== LAMBDA_PRINCIPAL) {
      throw new Error(`the identity container vends Lambda execution roles only, not ${request.service}'s`);
    }
    // Read at every request: a restarted identity container writes a new token.
    const token = (await readFile(tokenFile, 'utf8')).trim();
    const response = await fetch(url, {
      headers: { authorization: token },
      signal: AbortSignal.timeout(30_000),
    });
    const body: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const { code, message } = refusal.catch({}).parse(body);
      throw new Error(
        `the identity container refused the execution role's credentials (${url}): ${response.status} ${code ?? ''}: ${message ?? ''}`,
      );
    }
    const vended = vendedCredentials.parse(body);
    if (vended.RoleArn !== request.roleArn) {
      throw new Error(
        `the identity container vends ${vended.RoleArn} for this function, not the configured ${request.roleArn}`,
      );
    }
    return {
      accessKeyId: vended.AccessKeyId,
      secretAccessKey: vended.SecretAccessKey,
      sessionToken: vended.Token,
      expiration: new Date(vended.Expiration),
    };
  };
}
