// The local corporate IdP's signing half: samlify builds and signs an AWS-shaped SAML Response for
// a signed-in user (the Assertion signed, RSA-SHA256, exclusive canonicalisation) and publishes the
// IdP metadata that IAM's SAML provider holds. The key never leaves this process.
import { randomUUID } from 'node:crypto';
import * as samlify from 'samlify';
import {
  AWS_SAML_AUDIENCE,
  AWS_SAML_ENDPOINT,
  NAME_ID_FORMAT,
  STATUS_SUCCESS,
} from '../sts/saml/aws-saml.ts';
import { responseTemplate, type AssertionAttributes } from './response-template.ts';
import { createSigningCertificate } from './signing-certificate.ts';

export interface SignedInUser extends AssertionAttributes {
  /** The NameID: the subject STS exposes as SAML:sub. */
  nameId: string;
  nameIdFormat?: string;
}

/**
 * What the Response says about time and place. The defaults are what a real IdP writes; the others
 * exist so tests and "break it yourself" can make an expired assertion or one for another audience.
 */
export interface ResponseOptions {
  now?: Date;
  /** Conditions NotOnOrAfter and the bearer confirmation's NotOnOrAfter; 300 s by default. */
  validForSeconds?: number;
  /** AuthnStatement SessionNotOnOrAfter; 8 h by default (a working day's sign-in). */
  sessionSeconds?: number;
  audience?: string;
  recipient?: string;
}

export interface SamlIdentityProvider {
  entityId: string;
  /** The IdP's SAML metadata XML (entity ID, signing certificate, SSO URL). */
  metadata: string;
  certificatePem: string;
  /** A signed Response, base64: the SAMLAssertion parameter of AssumeRoleWithSAML. */
  signResponse(user: SignedInUser, options?: ResponseOptions): Promise<string>;
}

// The service provider the IdP answers: AWS's sign-in, as its published metadata describes it.
const awsSignIn = samlify.ServiceProvider({
  entityID: AWS_SAML_AUDIENCE,
  assertionConsumerService: [
    { Binding: samlify.Constants.namespace.binding.post, Location: AWS_SAML_ENDPOINT },
  ],
  wantAssertionsSigned: true,
});

const plusSeconds = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000).toISOString();

export async function createSamlIdentityProvider(options: {
  entityId: string;
  singleSignOnUrl: string;
}): Promise<SamlIdentityProvider> {
  const signing = await createSigningCertificate('keyless local IdP (made at start; trust it nowhere else)');
  const idp = samlify.IdentityProvider({
    entityID: options.entityId,
    signingCert: signing.certificatePem,
    privateKey: signing.privateKeyPem,
    requestSignatureAlgorithm: samlify.Constants.algorithms.signature.RSA_SHA256,
    nameIDFormat: [NAME_ID_FORMAT.persistent],
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: options.singleSignOnUrl },
    ],
    // There is no session to end at this IdP: signing out leads back to the sign-in page.
    singleLogoutService: [
      { Binding: samlify.Constants.namespace.binding.post, Location: options.singleSignOnUrl },
    ],
  });

  return {
    entityId: options.entityId,
    metadata: idp.getMetadata(),
    certificatePem: signing.certificatePem,
    async signResponse(user, at = {}) {
      const now = at.now ?? new Date();
      const { template, values } = responseTemplate(user);
      const id = `_${randomUUID()}`;
      const tags: Record<string, string> = {
        ...values,
        ID: id,
        AssertionID: `_${randomUUID()}`,
        IssueInstant: now.toISOString(),
        Destination: at.recipient ?? AWS_SAML_ENDPOINT,
        Issuer: options.entityId,
        StatusCode: STATUS_SUCCESS,
        NameIDFormat: user.nameIdFormat ?? NAME_ID_FORMAT.persistent,
        NameID: user.nameId,
        SubjectRecipient: at.recipient ?? AWS_SAML_ENDPOINT,
        SubjectConfirmationDataNotOnOrAfter: plusSeconds(now, at.validForSeconds ?? 300),
        ConditionsNotBefore: now.toISOString(),
        ConditionsNotOnOrAfter: plusSeconds(now, at.validForSeconds ?? 300),
        Audience: at.audience ?? AWS_SAML_AUDIENCE,
        SessionNotOnOrAfter: plusSeconds(now, at.sessionSeconds ?? 8 * 3600),
      };
      const { context } = await idp.createLoginResponse(awsSignIn, { extract: {} }, 'post', {}, (
        /* samlify's default */
      ) => ({
        id,
        // replaceTagsByValue escapes every value, in attributes and in text.
        context: samlify.SamlLib.replaceTagsByValue(template, tags),
      }));
      return context;
    },
  };
}
