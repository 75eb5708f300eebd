// The IAM SAML provider a request names (PrincipalArn): the only place the IdP's identity and
// signing certificates come from. The certificate a message carries in its KeyInfo is never used.
import { X509Certificate } from 'node:crypto';
import { GetSAMLProviderCommand, NoSuchEntityException, type IAMClient } from '@aws-sdk/client-iam';
import { invalidIdentityToken } from '../sts-error.ts';
import { SAML_NS } from './aws-saml.ts';
import { childElements, descendantsNamed, parseSamlXml, SamlXmlError, text } from './saml-xml.ts';

export interface RegisteredSamlProvider {
  arn: string;
  /** The provider's name in IAM (the part after `saml-provider/`). */
  name: string;
  accountId: string;
  /** The metadata's entityID: the Issuer every assertion must carry. */
  entityId: string;
  /** The IdP's signing certificates, PEM (more than one while a key is being rotated). */
  certificates: string[];
}

const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):saml-provider\/([\w.@-]{1,128})$/;

/** The metadata's base64 DER certificate as PEM; one that does not parse is refused. */
function pem(base64: string): string {
  try {
    return new X509Certificate(Buffer.from(base64.replace(/\s+/g, ''), 'base64')).toString();
  } catch {
    throw new SamlXmlError('The SAML provider metadata holds a signing certificate that does not parse');
  }
}

/** Entity ID and signing certificates from IdP metadata (IDPSSODescriptor, KeyDescriptor use="signing" or unspecified). */
export function readIdpMetadata(metadata: string): { entityId: string; certificates: string[] } {
  const root = parseSamlXml(metadata, 'The SAML provider metadata').documentElement as NonNullable<
    ReturnType<typeof parseSamlXml>['documentElement']
  >;
  if (root.namespaceURI !== SAML_NS.metadata || root.localName !== 'EntityDescriptor') {
    throw new SamlXmlError('The SAML provider metadata is not an EntityDescriptor');
  }
  const entityId = root.getAttribute('entityID') ?? '';
  const certificates = childElements(root, SAML_NS.metadata, 'IDPSSODescriptor')
    .flatMap((idp) => childElements(idp, SAML_NS.metadata, 'KeyDescriptor'))
    .filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((key) => descendantsNamed(key, 'X509Certificate'))
    .filter((element) => element.namespaceURI === SAML_NS.dsig)
    .map((element) => pem(text(element) ?? ''));
  if (!entityId || certificates.length === 0) {
    throw new SamlXmlError('The SAML provider metadata names no entityID or no signing certificate');
  }
  return { entityId, certificates };
}

export async function findSamlProvider(
  iam: IAMClient,
  principalArn: string,
): Promise<RegisteredSamlProvider> {
  const match = PROVIDER_ARN.exec(principalArn);
  if (!match) {
    throw invalidIdentityToken(
      'provider',
      `PrincipalArn ${JSON.stringify(principalArn)} is not a SAML provider ARN (provider check)`,
    );
  }
  const found = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: principalArn })).then(
    (provider) => provider,
    (error: unknown) => {
      if (error instanceof NoSuchEntityException) return undefined;
      throw error;
    },
  );
  if (!found?.SAMLMetadataDocument) {
    throw invalidIdentityToken(
      'provider',
      `Specified provider doesn't exist (provider check: no IAM SAML provider ${principalArn})`,
    );
  }
  try {
    return {
      arn: principalArn,
      accountId: match[1] as string,
      name: match[2] as string,
      ...readIdpMetadata(found.SAMLMetadataDocument),
    };
  } catch (error) {
    if (!(error instanceof SamlXmlError)) throw error;
    throw invalidIdentityToken('provider', `${error.message} (provider check: ${principalArn})`);
  }
}
