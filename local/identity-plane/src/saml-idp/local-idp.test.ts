// The local IdP end to end at the STS front: its metadata registered as the model's SAML provider,
// its groups mapped to the model's developer and operator roles, a demo user signed in through its
// web form, and the assertion exchanged for that person's session — and each way to break it.
import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { adminClients, emulatorAccountId } from '@keyless/local-platform';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IssuedRoleSession } from '../contracts.ts';
import { planeNeeds, startPlaneFixture, type PlaneFixture } from '../sts/testing/plane-fixture.ts';
import { GROUP_OF_ROLE } from './directory.ts';
import { METADATA_PATH, samlResponseInPage, startLocalIdp, type LocalIdp } from './local-idp.ts';

emulatorSuite(planeNeeds, () => {
  let idp: LocalIdp;
  let plane: PlaneFixture;
  const sessions: IssuedRoleSession[] = [];

  beforeAll(async () => {
    idp = await startLocalIdp();
    plane = await startPlaneFixture(
      { onSessionIssued: (session) => void sessions.push(session) },
      { samlMetadata: idp.metadata },
    );
    for (const role of ['developer', 'operator'] as const) {
      idp.mapGroup(GROUP_OF_ROLE[role], plane.roleArn(role), plane.samlProviderArn);
    }
  });
  afterAll(async () => {
    await plane?.stop();
    await idp?.close();
  });

  async function signInThroughForm(username: string, extra: Record<string, string> = {}) {
    const response = await fetch(idp.signInUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, ...extra }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      html: await response.text(),
    };
  }

  async function exchange(assertion: string, role: 'developer' | 'operator') {
    const before = sessions.length;
    const response = await fetch(plane.front.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithSAML',
        Version: '2011-06-15',
        RoleArn: plane.roleArn(role),
        PrincipalArn: plane.samlProviderArn,
        SAMLAssertion: assertion,
      }),
    });
    const xml = await response.text();
    return {
      status: response.status,
      code: /<Code>([^<]*)<\/Code>/.exec(xml)?.[1],
      message: /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '',
      arn: /<Arn>([^<]*)<\/Arn>/.exec(xml)?.[1],
      issued: sessions.slice(before),
    };
  }

  const signedIn = async (username: string, extra: Record<string, string> = {}) =>
    samlResponseInPage((await signInThroughForm(username, extra)).html) ?? '';

  describe('the IdP', () => {
    test('serves its metadata: entity ID, signing certificate and sign-in URL', async () => {
      const response = await fetch(idp.metadataUrl);
      expect(idp.metadataUrl).toMatch(new RegExp(`${METADATA_PATH}$`));
      const xml = await response.text();
      expect(xml).toBe(idp.metadata);
      expect(xml).toContain(`entityID="${idp.entityId}"`);
      expect(xml).toContain('<ds:X509Certificate>');
      expect(xml).toContain(`Location="${idp.signInUrl}"`);
    });

    test('has a sign-in page listing the demo users and their groups', async () => {
      const html = await (await fetch(idp.signInUrl)).text();
      for (const name of ['dana', 'omar', 'wes', 'nina']) expect(html).toContain(`value="${name}"`);
      expect(html).toContain('nina (no group)');
    });

    test('answers a sign-in with a form posting the SAMLResponse to AWS sign-in', async () => {
      const { status, html } = await signInThroughForm('dana');
      expect(status).toBe(200);
      expect(html).toContain('action="https://signin.aws.amazon.com/saml"');
      const xml = Buffer.from(samlResponseInPage(html) ?? '', 'base64').toString();
      expect(xml).toContain('dana@keyless.example');
      expect(xml).toContain(`${plane.roleArn('developer')},${plane.samlProviderArn}`);
      expect(xml).toContain('PrincipalTag:team');
    });

    test('refuses a user it does not know, as problem+json', async () => {
      const { status, type, html } = await signInThroughForm('mallory');
      expect(status).toBe(401);
      expect(type).toBe('application/problem+json');
      expect(JSON.parse(html)).toMatchObject({ status: 401, title: 'Unknown user' });
    });
  });

  describe('people get the roles their groups map to', () => {
    test('dana (developers) gets a developer session named after her, tagged team=ledger', async () => {
      const answer = await exchange(await signedIn('dana'), 'developer');
      expect(answer.status, answer.message).toBe(200);
      expect(answer.arn).toBe(
        `arn:aws:sts::${emulatorAccountId}:assumed-role/${plane.roleArn('developer').split('/').at(-1)}/dana`,
      );
      expect(answer.issued).toEqual([
        expect.objectContaining({ sessionName: 'dana', tags: { team: 'ledger' } }),
      ]);
    });

    test('omar (operators, in the operations directory) gets an operator session', async () => {
      const answer = await exchange(await signedIn('omar'), 'operator');
      expect(answer.status, answer.message).toBe(200);
    });

    test('dana asking for operator: refused, her groups do not offer it', async () => {
      const answer = await exchange(await signedIn('dana'), 'operator');
      expect(answer).toMatchObject({ status: 403, code: 'AccessDenied', issued: [] });
      expect(answer.message).toMatch(/role-attribute check: the assertion's Role attribute does not offer/);
    });
  });

  // docs/flows/saml-sso.md, "Break it yourself": each step as the page tells it.
  describe('break it yourself', () => {
    test('a user in no group: the IdP signs nina in, STS finds no role offered', async () => {
      const answer = await exchange(await signedIn('nina'), 'developer');
      expect(answer).toMatchObject({ status: 403, code: 'AccessDenied', issued: [] });
      expect(answer.message).toMatch(/does not offer/);
    });

    test("an expired assertion: the IdP's clock ten minutes behind", async () => {
      const answer = await exchange(await signedIn('dana', { clockSkewSeconds: '-600' }), 'developer');
      expect(answer).toMatchObject({ status: 400, code: 'ExpiredTokenException', issued: [] });
    });

    describe('trust policy edits (restored after each)', () => {
      async function withTrust(edit: (trust: string) => string, run: () => Promise<void>) {
        const admin = adminClients({
          endpoint: plane.platform.awsEndpoint,
          region: plane.platform.region,
        }).iam;
        const roleName = plane.roleArn('developer').split('/').at(-1) as string;
        const original = decodeURIComponent(
          (await admin.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument ?? '',
        );
        await admin.send(
          new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: edit(original) }),
        );
        try {
          await run();
        } finally {
          await admin.send(
            new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: original }),
          );
          admin.destroy();
        }
      }

      test('the role trusts another provider', async () => {
        await withTrust(
          (trust) =>
            trust.replaceAll(
              plane.samlProviderArn,
              `arn:aws:iam::${emulatorAccountId}:saml-provider/OtherIdP`,
            ),
          async () => {
            const answer = await exchange(await signedIn('dana'), 'developer');
            expect(answer).toMatchObject({ status: 403, code: 'AccessDenied', issued: [] });
            expect(answer.message).toMatch(/trust-policy check/);
          },
        );
      });

      test('the audience condition changed', async () => {
        await withTrust(
          (trust) =>
            trust.replaceAll('https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/other'),
          async () => {
            const answer = await exchange(await signedIn('dana'), 'developer');
            expect(answer).toMatchObject({ status: 403, code: 'AccessDenied', issued: [] });
            expect(answer.message).toMatch(/SAML:aud/);
          },
        );
      });
    });
  });
});
