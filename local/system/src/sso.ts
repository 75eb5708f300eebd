// `npm run sso -- <user>`: what a person does to work in the account, locally. Sign in at the
// local corporate IdP (its answer page carries the signed SAMLResponse, read as SAML CLI tools read
// it), exchange the assertion at STS (AssumeRoleWithSAML, unsigned: the assertion is the
// credential), and write a named AWS CLI profile whose credential_process hands the CLI and SDKs
// the session with its expiry. Every refusal is STS's own answer, printed as it came.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AssumeRoleWithSAMLCommand, STSClient } from '@aws-sdk/client-sts';
import { roleArn } from '@keyless/iam-model';
import { samlResponseInPage } from '@keyless/identity-plane';
import type { SystemDescription } from './start-system.ts';

export const SSO_ROLES = ['developer', 'operator'] as const;
export type SsoRole = (typeof SSO_ROLES)[number];

export interface SsoRequest {
  username: string;
  role: SsoRole;
  /** The AWS CLI profile written (default `keyless-<user>`). */
  profile?: string;
  /** The IdP's clock off by this many seconds ("break it yourself": an expired assertion). */
  idpClockSkewSeconds?: number;
  /** The AWS CLI config file the profile goes into (AWS_CONFIG_FILE, else ~/.aws/config). */
  configFile: string;
  /** Where the session waits for credential_process (owner-readable only). */
  cacheDir: string;
  /** The credential_process command: this Node and the script that prints a cached session. */
  credentialProcess: (cacheFile: string) => string;
}

export interface SsoSession {
  profile: string;
  assumedRoleArn: string;
  expiration: Date;
  configFile: string;
}

export class SsoError extends Error {
  override name = 'SsoError';
}

async function signInAtIdp(
  system: SystemDescription,
  request: Pick<SsoRequest, 'username' | 'idpClockSkewSeconds'>,
): Promise<string> {
  const response = await fetch(system.identity.samlIdp.signInUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: request.username,
      ...(request.idpClockSkewSeconds !== undefined && {
        clockSkewSeconds: String(request.idpClockSkewSeconds),
      }),
    }),
  });
  const body = await response.text();
  const samlResponse = response.ok ? samlResponseInPage(body) : undefined;
  if (!samlResponse) {
    const detail = response.ok ? 'its answer carries no SAMLResponse' : body;
    throw new SsoError(
      `the local IdP did not sign ${request.username} in (HTTP ${response.status}): ${detail}`,
    );
  }
  return samlResponse;
}

/** Replaces (or adds) one `[profile <name>]` section of an AWS config file, leaving the rest as it was. */
export function withProfile(config: string, profile: string, settings: Record<string, string>): string {
  const header = `[profile ${profile}]`;
  const kept: string[] = [];
  let inside = false;
  for (const line of config.split('\n')) {
    if (/^\s*\[/.test(line)) inside = line.trim() === header;
    if (!inside) kept.push(line);
  }
  const before = kept.join('\n').replace(/\n*$/, '');
  const section = [header, ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`)].join('\n');
  return `${before === '' ? '' : `${before}\n\n`}${section}\n`;
}

export interface PersonSession {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date };
  assumedRoleArn: string;
}

/** Signs `username` in at the local IdP and exchanges the assertion at STS (through the gate) for `role`. */
export async function samlSession(
  system: SystemDescription,
  request: Pick<SsoRequest, 'username' | 'role' | 'idpClockSkewSeconds'>,
): Promise<PersonSession> {
  const samlAssertion = await signInAtIdp(system, request);
  const sts = new STSClient({
    region: system.region,
    endpoint: system.identity.gateEndpoint,
    maxAttempts: 1,
  });
  let answer;
  try {
    answer = await sts.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArn({ partition: 'aws', accountId: system.accountId }, request.role),
        PrincipalArn: system.identity.samlIdp.providerArn,
        SAMLAssertion: samlAssertion,
      }),
    );
  } catch (error) {
    throw new SsoError(`STS refused: ${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    sts.destroy();
  }
  const { Credentials, AssumedRoleUser } = answer;
  if (
    !Credentials?.AccessKeyId ||
    !Credentials.SecretAccessKey ||
    !Credentials.SessionToken ||
    !Credentials.Expiration
  ) {
    throw new SsoError('STS answered without credentials');
  }
  return {
    credentials: {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    },
    assumedRoleArn: AssumedRoleUser?.Arn ?? '',
  };
}

export async function signInWithSaml(system: SystemDescription, request: SsoRequest): Promise<SsoSession> {
  const { credentials, assumedRoleArn } = await samlSession(system, request);
  const profile = request.profile ?? `keyless-${request.username}`;
  const cacheFile = join(request.cacheDir, `${profile}.json`);
  await mkdir(request.cacheDir, { recursive: true, mode: 0o700 });
  // credential_process's format (Version 1): the CLI and every SDK refresh by running it again.
  await writeFile(
    cacheFile,
    JSON.stringify({
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString(),
    }),
    { mode: 0o600 },
  );
  await chmod(cacheFile, 0o600);
  await mkdir(dirname(request.configFile), { recursive: true });
  const existing = await readFile(request.configFile, 'utf8').catch(() => '');
  await writeFile(
    request.configFile,
    withProfile(existing, profile, {
      region: system.region,
      // The permission gate over TLS, as every workload reaches AWS: the bucket refuses plain HTTP.
      endpoint_url: system.identity.gateTlsEndpoint,
      ca_bundle: system.identity.caFile,
      credential_process: request.credentialProcess(cacheFile),
    }),
  );
  return { profile, assumedRoleArn, expiration: credentials.expiration, configFile: request.configFile };
}
