// GitHub Actions OIDC through the real SDK: tokens from the local "GitHub Actions" issuer for the
// deploy and diff roles of the shared IAM model, pinned to keyless-org/keyless.
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { adminClients, emulatorAccountId } from '@keyless/local-platform';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { githubClaims, mintGithubToken, type GithubWorkflowRun } from '../oidc/github-claims.ts';
import { withoutScheme } from './oidc-providers.ts';
import {
  GITHUB_REPOSITORY,
  planeNeeds,
  startPlaneFixture,
  type PlaneFixture,
} from './testing/plane-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';

emulatorSuite(planeNeeds, () => {
  let plane: PlaneFixture;
  let sts: STSClient;
  beforeAll(async () => {
    plane = await startPlaneFixture();
    sts = new STSClient({ endpoint: plane.front.endpoint, region: plane.platform.region });
  });
  afterAll(async () => {
    sts?.destroy();
    await plane?.stop();
  });

  const production: GithubWorkflowRun = {
    ...GITHUB_REPOSITORY,
    event: 'push',
    ref: 'refs/heads/main',
    environment: 'production',
  };
  const pullRequest: GithubWorkflowRun = { ...GITHUB_REPOSITORY, event: 'pull_request' };

  async function assume(roleArn: string, run: GithubWorkflowRun, audience?: string) {
    const token = await mintGithubToken(plane.issuers.github, githubClaims(run), { audience });
    return sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'gha',
        WebIdentityToken: token,
      }),
    );
  }

  async function denial(roleArn: string, run: GithubWorkflowRun, audience?: string) {
    const error = (await assume(roleArn, run, audience).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as Error | undefined;
    expect(error, 'the token was accepted').toBeInstanceOf(Error);
    return error as Error;
  }

  describe('deploy', () => {
    test('is allowed for the production environment of the repository', async () => {
      const response = await assume(plane.roleArn('deploy'), production);
      // The SDK parsed the front's own response: every field of the STS wire shape arrives.
      expect(response.Credentials?.AccessKeyId).toBeTruthy();
      expect(response.Credentials?.Expiration).toBeInstanceOf(Date);
      expect(response.SubjectFromWebIdentityToken).toBe('repo:keyless-org/keyless:environment:production');
      expect(response.Audience).toBe('sts.amazonaws.com');
      expect(response.Provider).toBe(withoutScheme(plane.issuers.github.issuerUrl));
      expect(response.AssumedRoleUser?.Arn).toMatch(/:assumed-role\/[^/]*deploy\/gha$/);
      expect(plane.decisions.at(-1)).toMatchObject({
        decision: 'allowed',
        statement: 'GitHubProductionEnvironment',
        caller: 'repo:keyless-org/keyless:environment:production',
      });
    });

    const refused: [string, GithubWorkflowRun, string][] = [
      ['a pull_request subject', pullRequest, 'repo:keyless-org/keyless:pull_request'],
      [
        'another repository of the owner',
        { ...production, repo: 'other' },
        'repo:keyless-org/other:environment:production',
      ],
      [
        'a fork (same repository name, other owner)',
        { ...production, owner: 'someone-else' },
        'repo:someone-else/keyless:environment:production',
      ],
      [
        'a push to a feature branch',
        { ...GITHUB_REPOSITORY, event: 'push', ref: 'refs/heads/feature' },
        'repo:keyless-org/keyless:ref:refs/heads/feature',
      ],
      [
        'the immutable-ID subject format, which the policy does not pin',
        { ...production, immutableSubject: true, ownerId: '1001', repositoryId: '2002' },
        'repo:keyless-org@1001/keyless@2002:environment:production',
      ],
    ];
    test.each(refused)('is denied for %s', async (_, run, subject) => {
      const error = await denial(plane.roleArn('deploy'), run);
      expect(error.name).toBe('AccessDenied');
      expect(error.message).toContain('trust-policy check on role');
      expect(error.message).toContain(`${withoutScheme(plane.issuers.github.issuerUrl)}:sub`);
      expect(error.message).toContain(`got '${subject}'`);
      expect(plane.decisions.at(-1)).toMatchObject({
        decision: 'denied',
        check: 'trust-policy',
        caller: subject,
      });
    });

    test('is denied for a token with GitHub’s default audience instead of sts.amazonaws.com', async () => {
      const error = await denial(plane.roleArn('deploy'), production, 'https://github.com/keyless-org');
      expect(error.name).toBe('InvalidIdentityTokenException');
      expect(error.message).toContain('Incorrect token audience (audience check');
      expect(plane.decisions.at(-1)).toMatchObject({ decision: 'denied', check: 'audience' });
    });
  });

  describe('diff', () => {
    test('is allowed for pull requests of the repository', async () => {
      const response = await assume(plane.roleArn('diff'), pullRequest);
      expect(response.Credentials?.SessionToken).toBeTruthy();
      expect(plane.decisions.at(-1)).toMatchObject({ decision: 'allowed', statement: 'GitHubPullRequests' });
    });

    test.each([
      [
        'a push to main',
        { ...GITHUB_REPOSITORY, event: 'push', ref: 'refs/heads/main' } as GithubWorkflowRun,
      ],
      ['the production environment', production],
      ['a pull request in a fork', { ...pullRequest, owner: 'someone-else' }],
    ])('is denied for %s', async (_, run) => {
      const error = await denial(plane.roleArn('diff'), run);
      expect(error.name).toBe('AccessDenied');
      expect(error.message).toMatch(
        /trust-policy check on role \S*diff: condition StringEquals on '[^']+:sub'/,
      );
    });
  });

  describe('GitHub claims as condition keys', () => {
    // AWS exposes select GitHub claims (repository, environment, ref, …) as
    // token.actions.githubusercontent.com:<claim>; the local GitHub issuer gets the same keys.
    let roleArn: string;
    beforeAll(async () => {
      const issuer = withoutScheme(plane.issuers.github.issuerUrl);
      const { iam } = adminClients({ endpoint: plane.platform.awsEndpoint, region: plane.platform.region });
      const { Role } = await iam.send(
        new CreateRoleCommand({
          RoleName: plane.platform.uniqueName('release-by-claims'),
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ReleaseFromMain',
                Effect: 'Allow',
                Principal: { Federated: `arn:aws:iam::${emulatorAccountId}:oidc-provider/${issuer}` },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: {
                    [`${issuer}:aud`]: 'sts.amazonaws.com',
                    [`${issuer}:repository`]: 'keyless-org/keyless',
                    [`${issuer}:environment`]: 'release',
                  },
                  StringLike: { [`${issuer}:sub`]: 'repo:keyless-org/keyless:*' },
                },
              },
            ],
          }),
        }),
      );
      iam.destroy();
      roleArn = Role?.Arn ?? '';
    });

    test('allow a token whose repository and environment claims match', async () => {
      const response = await assume(roleArn, { ...production, environment: 'release' });
      expect(response.Credentials?.AccessKeyId).toBeTruthy();
    });

    test('deny one whose environment claim does not, naming that key', async () => {
      const error = await denial(roleArn, { ...production, environment: 'staging' });
      expect(error.message).toContain(
        `condition StringEquals on '${withoutScheme(plane.issuers.github.issuerUrl)}:environment' expected 'release', got 'staging'`,
      );
    });
  });
});
