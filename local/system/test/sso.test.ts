// People through SAML federation, with the clients people use: the AWS CLI v1 and boto3 from the
// moto venv, run with no credentials of their own configured, exchange an assertion of the local
// IdP at the permission gate (which hands the unsigned call to the STS front); then `npm run sso`'s
// profile is used as the person would, and the gate decides the session's calls — the operator's
// dead letters by the `team` session tag (ABAC).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '@keyless/local-platform';
import { samlResponseInPage } from '@keyless/identity-plane';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { systemNeeds } from '../src/index.ts';
import { credentialProcessCommand, ssoCommand } from '../src/sso-command.ts';
import { signInWithSaml, withProfile, type SsoRole } from '../src/sso.ts';
import { startTestSystem } from './system-fixture.ts';

const venvBin = join(repoRoot, '.local', 'venv', 'bin');

/** No AWS_* variable of the test's own environment: only what each call is given. */
function cleanEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Asynchronously: the gate and the STS front answer from this very process. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let dir: string;
  const system = () => fixture.system.description;
  const roleArnOf = (role: SsoRole) => `arn:aws:iam::${system().accountId}:role/${role}`;

  beforeAll(async () => {
    fixture = await startTestSystem();
    dir = mkdtempSync(join(tmpdir(), 'keyless-sso-'));
  });
  afterAll(async () => {
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function assertionFor(username: string): Promise<string> {
    const response = await fetch(system().identity.samlIdp.signInUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username }),
    });
    return samlResponseInPage(await response.text()) ?? '';
  }

  describe('the AWS CLI v1 and boto3, with no credentials configured', () => {
    test('aws sts assume-role-with-saml, then get-caller-identity as assumed-role/developer/dana', async () => {
      const assertionFile = join(dir, 'dana.saml');
      writeFileSync(assertionFile, await assertionFor('dana'));
      const env = cleanEnv(dir);
      const common = [
        '--endpoint-url',
        system().identity.gateEndpoint,
        '--region',
        system().region,
        '--output',
        'json',
      ];
      const assumed = await run(
        join(venvBin, 'aws'),
        [
          'sts',
          'assume-role-with-saml',
          '--role-arn',
          roleArnOf('developer'),
          '--principal-arn',
          system().identity.samlIdp.providerArn,
          '--saml-assertion',
          `file://${assertionFile}`,
          ...common,
        ],
        env,
      );
      expect(assumed.stderr).toBe('');
      const answer = JSON.parse(assumed.stdout) as {
        Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
        Subject: string;
        Issuer: string;
      };
      expect(answer).toMatchObject({
        Subject: 'dana@keyless.example',
        Issuer: system().identity.samlIdp.entityId,
      });
      const who = await run(join(venvBin, 'aws'), ['sts', 'get-caller-identity', ...common], {
        ...env,
        AWS_ACCESS_KEY_ID: answer.Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: answer.Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: answer.Credentials.SessionToken,
      });
      expect(who.stderr).toBe('');
      expect(JSON.parse(who.stdout).Arn).toBe(
        `arn:aws:sts::${system().accountId}:assumed-role/developer/dana`,
      );
    });

    test('boto3: assume_role_with_saml, then get_caller_identity as assumed-role/operator/omar', async () => {
      const script = [
        'import json, sys, boto3',
        'args = json.load(sys.stdin)',
        "sts = boto3.client('sts', endpoint_url=args['endpoint'], region_name=args['region'])",
        "c = sts.assume_role_with_saml(RoleArn=args['role'], PrincipalArn=args['provider'], SAMLAssertion=args['assertion'])['Credentials']",
        "who = boto3.client('sts', endpoint_url=args['endpoint'], region_name=args['region'], aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken']).get_caller_identity()",
        "print(who['Arn'])",
      ].join('\n');
      const input = JSON.stringify({
        endpoint: system().identity.gateEndpoint,
        region: system().region,
        role: roleArnOf('operator'),
        provider: system().identity.samlIdp.providerArn,
        assertion: await assertionFor('omar'),
      });
      const result = await run(join(venvBin, 'python'), ['-c', script], cleanEnv(dir), input);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(`arn:aws:sts::${system().accountId}:assumed-role/operator/omar`);
    });
  });

  describe('npm run sso: a named profile the AWS CLI uses as that person', () => {
    const configFile = () => join(dir, 'aws-config');
    const signIn = (username: string, role: SsoRole, idpClockSkewSeconds?: number) =>
      signInWithSaml(system(), {
        username,
        role,
        configFile: configFile(),
        cacheDir: join(dir, 'sso'),
        credentialProcess: credentialProcessCommand,
        ...(idpClockSkewSeconds !== undefined && { idpClockSkewSeconds }),
      });
    const aws = (profile: string, args: string[], input?: string) =>
      run(
        join(venvBin, 'aws'),
        ['--profile', profile, ...args],
        cleanEnv(dir, { AWS_CONFIG_FILE: configFile() }),
        input,
      );
    const bucket = () => system().resources.names.bucket;

    test("dana: the profile is hers; one allowed read, one denied write with the gate's message", async () => {
      const session = await signIn('dana', 'developer');
      expect(session.profile).toBe('keyless-dana');
      expect(readFileSync(configFile(), 'utf8')).toContain('[profile keyless-dana]');

      const who = await aws('keyless-dana', ['sts', 'get-caller-identity', '--output', 'json']);
      expect(who.stderr).toBe('');
      expect(JSON.parse(who.stdout).Arn).toBe(
        `arn:aws:sts::${system().accountId}:assumed-role/developer/dana`,
      );

      const read = await aws('keyless-dana', ['s3', 'ls', `s3://${bucket()}/`]);
      expect(read.stderr).toBe('');
      expect(read.status).toBe(0);

      const write = await aws(
        'keyless-dana',
        ['s3', 'cp', '-', `s3://${bucket()}/reports/by-dana.json`],
        '{}',
      );
      expect(write.status).not.toBe(0);
      expect(write.stderr).toContain('AccessDenied');
      expect(write.stderr).toContain(
        `assumed-role/developer/dana is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${bucket()}/reports/by-dana.json because no identity-based policy allows the s3:PutObject action`,
      );
    });

    test('ABAC through the gate: the ledger dead letters for omar (team=ledger), not for wes (team=web)', async () => {
      await signIn('omar', 'operator');
      await signIn('wes', 'operator');
      const queueUrl = `${system().identity.gateTlsEndpoint}/${system().accountId}/${system().resources.names.ledgerEventsDlq}`;
      // The AWS CLI v1 takes SQS's endpoint from the command line, not from the profile's endpoint_url.
      const receive = (profile: string) =>
        aws(profile, [
          'sqs',
          'receive-message',
          '--queue-url',
          queueUrl,
          '--endpoint-url',
          system().identity.gateTlsEndpoint,
        ]);
      const omar = await receive('keyless-omar');
      expect(omar.stderr).toBe('');
      expect(omar.status).toBe(0);
      const wes = await receive('keyless-wes');
      expect(wes.status).not.toBe(0);
      expect(wes.stderr).toContain(
        'assumed-role/operator/wes is not authorized to perform: sqs:ReceiveMessage',
      );
    });

    test('the command: prints who the person is and the profile; usage errors exit 2', async () => {
      const printed: string[] = [];
      vi.stubEnv('AWS_CONFIG_FILE', configFile());
      vi.stubEnv('KEYLESS_SSO_DIR', join(dir, 'sso-command'));
      try {
        const print = (text: string) => void printed.push(text);
        expect(
          await ssoCommand(system(), ['omar', '--role', 'operator', '--profile', 'ops'], print, print),
        ).toBe(0);
        expect(printed.join('\n')).toContain(
          `omar is arn:aws:sts::${system().accountId}:assumed-role/operator/omar until`,
        );
        expect(readFileSync(configFile(), 'utf8')).toContain('[profile ops]');
        expect(await ssoCommand(system(), ['omar', '--role', 'admin'], print, print)).toBe(2);
        expect(printed.at(-1)).toMatch(/^usage: npm run sso -- <user>/);
      } finally {
        vi.unstubAllEnvs();
      }
    });

    test('the local CloudTrail records each sign-in as a SAMLUser, the refused ones with the reason', async () => {
      await signIn('dana', 'developer');
      await signIn('nina', 'developer').catch(() => undefined);
      type Line = {
        eventName: string;
        userIdentity: { type: string; userName?: string };
        errorCode?: string;
      };
      let saml: Line[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        const lines = readFileSync(system().identity.trailFile, 'utf8').split('\n').filter(Boolean);
        saml = lines
          .map((line) => JSON.parse(line) as Line)
          .filter((r) => r.eventName === 'AssumeRoleWithSAML');
        if (saml.some((r) => r.userIdentity.userName === 'nina@keyless.example')) break;
        await sleep(100);
      }
      expect(saml).toContainEqual(
        expect.objectContaining({
          userIdentity: expect.objectContaining({ type: 'SAMLUser', userName: 'dana@keyless.example' }),
        }),
      );
      expect(saml).toContainEqual(
        expect.objectContaining({
          errorCode: 'AccessDenied',
          userIdentity: expect.objectContaining({ type: 'SAMLUser', userName: 'nina@keyless.example' }),
        }),
      );
    });

    test("refused sign-ins say why, in STS's words", async () => {
      await expect(signIn('nina', 'developer')).rejects.toThrow(
        /STS refused: AccessDenied: .*role-attribute check/,
      );
      await expect(signIn('dana', 'developer', -600)).rejects.toThrow(/STS refused: ExpiredTokenException/);
      await expect(signIn('mallory', 'developer')).rejects.toThrow(
        /the local IdP did not sign mallory in \(HTTP 401\)/,
      );
    });
  });
});

describe('withProfile', () => {
  test('replaces the named profile and keeps the others', () => {
    const before =
      '[default]\nregion = us-east-1\n\n[profile keyless-dana]\nregion = old\n\n[profile other]\nregion = x\n';
    expect(withProfile(before, 'keyless-dana', { region: 'eu-west-1' })).toBe(
      '[default]\nregion = us-east-1\n\n[profile other]\nregion = x\n\n[profile keyless-dana]\nregion = eu-west-1\n',
    );
    expect(withProfile('', 'p', { a: 'b' })).toBe('[profile p]\na = b\n');
  });
});
