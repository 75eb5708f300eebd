// AssumeRoleWithSAML at the STS front, against the real emulator: assertions signed by the local
// IdP (samlify), registered in IAM as a SAML provider, and every refusal STS makes — none of which
// issues a session.
import { CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { adminClients, emulatorAccountId } from '@keyless/local-platform';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IssuedRoleSession } from '../contracts.ts';
import {
  createSamlIdentityProvider,
  type SamlIdentityProvider,
  type SignedInUser,
} from '../saml-idp/saml-identity-provider.ts';
import { AWS_SAML_ENDPOINT } from './saml/aws-saml.ts';
import { samlNameQualifier } from './saml/saml-context.ts';
import { setText, tamper, withoutSignature, wrap, type WrappingShape } from './testing/saml-tampering.ts';
import { planeNeeds, startPlaneFixture, type PlaneFixture } from './testing/plane-fixture.ts';

const ENTITY_ID = 'https://idp.keyless.test/saml';

emulatorSuite(planeNeeds, () => {
  let plane: PlaneFixture;
  let idp: SamlIdentityProvider;
  /** The same entity ID with another key: what an attacker who copied the metadata could sign with. */
  let impostor: SamlIdentityProvider;
  /** A second, registered IdP with a provider of its own. */
  let otherIdp: SamlIdentityProvider;
  const sessions: IssuedRoleSession[] = [];
  const arns = { provider: '', otherProvider: '', developer: '', tagged: '', trustsOther: '' };

  const samlTrust = (provider: string, actions: string[], condition?: object) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: provider },
        Action: actions,
        Condition: condition ?? { StringEquals: { 'SAML:aud': AWS_SAML_ENDPOINT } },
      },
    ],
  });

  beforeAll(async () => {
    plane = await startPlaneFixture({ onSessionIssued: (session) => void sessions.push(session) });
    [idp, impostor, otherIdp] = await Promise.all([
      createSamlIdentityProvider({ entityId: ENTITY_ID, singleSignOnUrl: 'http://127.0.0.1:1/sso' }),
      createSamlIdentityProvider({ entityId: ENTITY_ID, singleSignOnUrl: 'http://127.0.0.1:1/sso' }),
      createSamlIdentityProvider({
        entityId: 'https://other-idp.keyless.test/saml',
        singleSignOnUrl: 'http://127.0.0.1:2/sso',
      }),
    ]);
    const { iam } = adminClients({ endpoint: plane.platform.awsEndpoint, region: plane.platform.region });
    const register = async (name: string, metadata: string) =>
      (
        await iam.send(
          new CreateSAMLProviderCommand({
            Name: plane.platform.uniqueName(name),
            SAMLMetadataDocument: metadata,
          }),
        )
      ).SAMLProviderArn ?? '';
    arns.provider = await register('LocalIdP', idp.metadata);
    arns.otherProvider = await register('OtherIdP', otherIdp.metadata);
    const role = async (name: string, trust: object) =>
      (
        await iam.send(
          new CreateRoleCommand({
            RoleName: plane.platform.uniqueName(name),
            AssumeRolePolicyDocument: JSON.stringify(trust),
            MaxSessionDuration: 3600,
          }),
        )
      ).Role?.Arn ?? '';
    arns.developer = await role('saml-developer', samlTrust(arns.provider, ['sts:AssumeRoleWithSAML']));
    arns.tagged = await role(
      'saml-tagged',
      samlTrust(arns.provider, ['sts:AssumeRoleWithSAML', 'sts:TagSession']),
    );
    arns.trustsOther = await role(
      'saml-trusts-other',
      samlTrust(arns.otherProvider, ['sts:AssumeRoleWithSAML']),
    );
    iam.destroy();
  });
  afterAll(() => plane?.stop());

  const dana = (overrides: Partial<SignedInUser> = {}): SignedInUser => ({
    nameId: 'dana@keyless.test',
    roles: [
      `${arns.developer},${arns.provider}`,
      `${arns.provider},${arns.tagged}`,
      `${arns.trustsOther},${arns.provider}`,
    ],
    roleSessionName: 'dana',
    ...overrides,
  });

  async function call(params: Record<string, string>) {
    const before = { sessions: sessions.length, decisions: plane.decisions.length };
    const response = await fetch(plane.front.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', ...params }),
    });
    const xml = await response.text();
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
    return {
      status: response.status,
      xml,
      field,
      issued: sessions.slice(before.sessions),
      decisions: plane.decisions.slice(before.decisions),
    };
  }

  const assume = (assertion: string, roleArn = arns.developer, principalArn = arns.provider, extra = {}) =>
    call({ RoleArn: roleArn, PrincipalArn: principalArn, SAMLAssertion: assertion, ...extra });

  async function expectRefused(
    answer: Awaited<ReturnType<typeof call>>,
    expected: { status: number; code: string; check: string; message: RegExp },
  ) {
    expect(answer.field('Code'), answer.xml).toBe(expected.code);
    expect(answer.status).toBe(expected.status);
    expect(answer.field('Message')).toMatch(expected.message);
    expect(answer.issued, 'a session was issued').toEqual([]);
    expect(answer.decisions).toEqual([
      expect.objectContaining({
        action: 'sts:AssumeRoleWithSAML',
        decision: 'denied',
        check: expected.check,
      }),
    ]);
  }

  describe('an assertion from the registered IdP', () => {
    test('is exchanged for a session of the role it offers, answered with the fields AWS returns', async () => {
      const answer = await assume(await idp.signResponse(dana()));
      expect(answer.status, answer.xml).toBe(200);
      const roleName = arns.developer.split('/').at(-1);
      expect(answer.field('Arn')).toBe(`arn:aws:sts::${emulatorAccountId}:assumed-role/${roleName}/dana`);
      expect(answer.field('Subject')).toBe('dana@keyless.test');
      expect(answer.field('SubjectType')).toBe('persistent');
      expect(answer.field('Issuer')).toBe(ENTITY_ID);
      expect(answer.field('Audience')).toBe(AWS_SAML_ENDPOINT);
      expect(answer.field('NameQualifier')).toBe(
        samlNameQualifier(ENTITY_ID, {
          accountId: emulatorAccountId,
          name: arns.provider.split('/').at(-1) as string,
        }),
      );
      expect(answer.issued).toEqual([
        expect.objectContaining({ roleArn: arns.developer, sessionName: 'dana' }),
      ]);
      expect(answer.decisions).toEqual([
        expect.objectContaining({ decision: 'allowed', caller: 'dana@keyless.test', issuer: ENTITY_ID }),
      ]);
    });

    test('with PrincipalTag attributes: the tags reach the session when the trust policy allows sts:TagSession', async () => {
      const assertion = await idp.signResponse(
        dana({ principalTags: { team: 'ledger', 'cost-center': 'cc-42' } }),
      );
      const answer = await assume(assertion, arns.tagged);
      expect(answer.status, answer.xml).toBe(200);
      expect(answer.issued).toEqual([
        expect.objectContaining({ tags: { team: 'ledger', 'cost-center': 'cc-42' } }),
      ]);
    });

    test('with PrincipalTag attributes, refused by a trust policy without sts:TagSession', async () => {
      const assertion = await idp.signResponse(dana({ principalTags: { team: 'ledger' } }));
      await expectRefused(await assume(assertion), {
        status: 403,
        code: 'AccessDenied',
        check: 'trust-policy',
        message: /sts:TagSession/,
      });
    });

    test('the session lasts the SessionDuration attribute, capped by SessionNotOnOrAfter', async () => {
      const answer = await assume(
        await idp.signResponse(dana({ sessionDurationSeconds: 3000 }), { sessionSeconds: 1200 }),
      );
      expect(answer.status, answer.xml).toBe(200);
      const seconds = (new Date(answer.field('Expiration') as string).getTime() - Date.now()) / 1000;
      expect(seconds).toBeLessThanOrEqual(1200);
      expect(seconds).toBeGreaterThan(1000);
    });

    test('of 90,000 characters is accepted (AWS allows 100,000), a body larger than 64 KiB', async () => {
      const padding = Array.from(
        { length: 420 },
        (_, i) => `arn:aws:iam::${emulatorAccountId}:role/padding-${i},${arns.provider}`,
      );
      const assertion = await idp.signResponse(dana({ roles: [...dana().roles, ...padding] }));
      expect(assertion.length).toBeGreaterThanOrEqual(90_000);
      expect(assertion.length).toBeLessThanOrEqual(100_000);
      const answer = await assume(assertion);
      expect(answer.status, answer.xml).toBe(200);
    });

    test('over 100,000 characters is refused, as AWS refuses it', async () => {
      const padding = Array.from(
        { length: 480 },
        (_, i) => `arn:aws:iam::${emulatorAccountId}:role/padding-${i},${arns.provider}`,
      );
      const assertion = await idp.signResponse(dana({ roles: [...dana().roles, ...padding] }));
      expect(assertion.length).toBeGreaterThan(100_000);
      await expectRefused(await assume(assertion), {
        status: 400,
        code: 'ValidationError',
        check: 'request',
        message: /less than or equal to 100000/,
      });
    });
  });

  describe('refused, with the error code AWS answers', () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);

    test('signed with another key (same entity ID, not the certificate in IAM)', async () => {
      await expectRefused(await assume(await impostor.signResponse(dana())), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'signature',
        message: /^Response signature invalid .*signing certificate of/,
      });
    });

    test('unsigned', async () => {
      await expectRefused(await assume(withoutSignature(await idp.signResponse(dana()))), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'signature',
        message: /holds 0 Signature elements/,
      });
    });

    test('a value changed after signing (the NameID)', async () => {
      const changed = tamper(await idp.signResponse(dana()), (_, assertion) =>
        setText(assertion, 'NameID', 'root@keyless.test'),
      );
      await expectRefused(await assume(changed), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'signature',
        message: /does not verify/,
      });
    });

    test('expired', async () => {
      await expectRefused(await assume(await idp.signResponse(dana(), { now: minutes(-10) })), {
        status: 400,
        code: 'ExpiredTokenException',
        check: 'expiry',
        message: /NotOnOrAfter passed/,
      });
    });

    test('not yet valid', async () => {
      await expectRefused(await assume(await idp.signResponse(dana(), { now: minutes(10) })), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'expiry',
        message: /not yet valid/,
      });
    });

    test('for another audience', async () => {
      await expectRefused(
        await assume(await idp.signResponse(dana(), { audience: 'urn:example:other-sp' })),
        {
          status: 400,
          code: 'InvalidIdentityToken',
          check: 'audience',
          message: /audience mismatch/,
        },
      );
    });

    test('for another recipient', async () => {
      const assertion = await idp.signResponse(dana(), { recipient: 'https://sp.example.test/acs' });
      await expectRefused(await assume(assertion), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'recipient',
        message: /recipient mismatch/,
      });
    });

    test('a role the Role attribute does not offer', async () => {
      const assertion = await idp.signResponse(dana({ roles: [`${arns.tagged},${arns.provider}`] }));
      await expectRefused(await assume(assertion, arns.developer), {
        status: 403,
        code: 'AccessDenied',
        check: 'role-attribute',
        message: /does not offer/,
      });
    });

    test('a PrincipalArn other than the provider the Role attribute pairs the role with', async () => {
      // Signed by the other IdP, so the signature verifies for the PrincipalArn the call names.
      const assertion = await otherIdp.signResponse(dana({ roles: [`${arns.developer},${arns.provider}`] }));
      await expectRefused(await assume(assertion, arns.developer, arns.otherProvider), {
        status: 403,
        code: 'AccessDenied',
        check: 'role-attribute',
        message: /not with the PrincipalArn/,
      });
    });

    test('an unknown provider', async () => {
      const unknown = `arn:aws:iam::${emulatorAccountId}:saml-provider/NoSuchIdP`;
      const assertion = await idp.signResponse(dana({ roles: [`${arns.developer},${unknown}`] }));
      await expectRefused(await assume(assertion, arns.developer, unknown), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'provider',
        message: /^Specified provider doesn't exist/,
      });
    });

    test('a provider whose metadata certificate does not parse', async () => {
      const { iam } = adminClients({ endpoint: plane.platform.awsEndpoint, region: plane.platform.region });
      const broken = idp.metadata.replace(/<ds:X509Certificate>[^<]*</, '<ds:X509Certificate>AAAA<');
      const { SAMLProviderArn = '' } = await iam.send(
        new CreateSAMLProviderCommand({
          Name: plane.platform.uniqueName('BrokenIdP'),
          SAMLMetadataDocument: broken,
        }),
      );
      iam.destroy();
      const assertion = await idp.signResponse(dana({ roles: [`${arns.developer},${SAMLProviderArn}`] }));
      await expectRefused(await assume(assertion, arns.developer, SAMLProviderArn), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'provider',
        message: /signing certificate that does not parse/,
      });
    });

    test('a role whose trust policy names another provider', async () => {
      await expectRefused(await assume(await idp.signResponse(dana()), arns.trustsOther), {
        status: 403,
        code: 'AccessDenied',
        check: 'trust-policy',
        message: /Not authorized to perform sts:AssumeRoleWithSAML/,
      });
    });

    test("DurationSeconds over the role's maximum", async () => {
      await expectRefused(
        await assume(await idp.signResponse(dana()), arns.developer, arns.provider, {
          DurationSeconds: '7200',
        }),
        {
          status: 400,
          code: 'ValidationError',
          check: 'session-duration',
          message: /exceeds the MaxSessionDuration/,
        },
      );
    });

    test('a RoleSessionName attribute STS would not accept', async () => {
      await expectRefused(await assume(await idp.signResponse(dana({ roleSessionName: 'x' }))), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'saml-format',
        message: /Invalid RoleSessionName/,
      });
    });

    test.each<WrappingShape>(['before', 'around', 'holding'])(
      'signature wrapping: an unsigned Assertion %s the signed one',
      async (shape) => {
        const signed = await idp.signResponse(dana());
        const wrapped = wrap(signed, shape, {
          nameId: 'mallory@evil.test',
          roleValue: `${arns.tagged},${arns.provider}`,
        });
        const answer = await assume(wrapped, arns.tagged);
        await expectRefused(answer, {
          status: 400,
          code: 'InvalidIdentityToken',
          check: 'saml-format',
          message: /holds 2 Assertion elements/,
        });
        expect(answer.decisions[0]?.caller).toBe('unknown');
      },
    );

    test('a Signature with two SignedInfo elements: refused as malformed, not a failure of the front', async () => {
      const doubled = tamper(await idp.signResponse(dana()), (document, assertion) => {
        const signedInfo = assertion.getElementsByTagNameNS(
          'http://www.w3.org/2000/09/xmldsig#',
          'SignedInfo',
        )[0];
        signedInfo?.parentNode?.insertBefore(signedInfo.cloneNode(true), signedInfo);
      });
      await expectRefused(await assume(doubled), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'saml-format',
        message: /Signature has 2 SignedInfo elements/,
      });
    });

    test('a DOCTYPE (entity expansion)', async () => {
      const xml = Buffer.from(await idp.signResponse(dana()), 'base64').toString();
      const withDoctype = `<!DOCTYPE r [<!ENTITY x "x">]>${xml}`;
      await expectRefused(await assume(Buffer.from(withDoctype).toString('base64')), {
        status: 400,
        code: 'InvalidIdentityToken',
        check: 'saml-format',
        message: /DOCTYPE/,
      });
    });
  });
});
