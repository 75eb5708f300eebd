// The names AWS gives the parts of a SAML 2.0 sign-in ("Configure SAML assertions for the
// authentication response", IAM User Guide): shared by the local IdP that writes them and the STS
// front that reads them, so the two cannot drift apart.

/** Where AWS's sign-in receives assertions: the Recipient and Destination AWS requires, and SAML:aud. */
export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml';
/** The Audience AWS requires: AWS's service-provider entity ID. */
export const AWS_SAML_AUDIENCE = 'urn:amazon:webservices';

const ATTRIBUTE_PREFIX = 'https://aws.amazon.com/SAML/Attributes/';
export const AWS_SAML_ATTRIBUTES = {
  /** `<role-arn>,<saml-provider-arn>` (either order), one value per role the user may take. */
  role: `${ATTRIBUTE_PREFIX}Role`,
  roleSessionName: `${ATTRIBUTE_PREFIX}RoleSessionName`,
  sessionDuration: `${ATTRIBUTE_PREFIX}SessionDuration`,
  /** `PrincipalTag:<key>`: a session tag (needs sts:TagSession in the trust policy). */
  principalTagPrefix: `${ATTRIBUTE_PREFIX}PrincipalTag:`,
} as const;

export const SAML_NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
export const NAME_ID_FORMAT = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
} as const;
