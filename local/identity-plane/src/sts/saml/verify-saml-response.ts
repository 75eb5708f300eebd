// A SAML Response checked the way STS checks one, strictly enough that signature wrapping cannot
// work: the document's shape is fixed before any signature is looked at (one Assertion, a child of
// the Response; one Signature, in it, with one Reference, to it; its ID unique), the signature is
// verified with the IAM provider's certificate only, and every value is then read from the bytes
// the signature covered — never from the document that carried them. Then Issuer, time window,
// Audience and Recipient, in that order. The first failing check refuses, named in the message.
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { invalidIdentityToken, StsError } from '../sts-error.ts';
import {
  AWS_SAML_AUDIENCE,
  AWS_SAML_ENDPOINT,
  BEARER,
  NAME_ID_FORMAT,
  SAML_NS,
  STATUS_SUCCESS,
} from './aws-saml.ts';
import type { RegisteredSamlProvider } from './saml-provider.ts';
import {
  childElements,
  descendantsNamed,
  elementsWithId,
  onlyChild,
  parseSamlXml,
  SamlXmlError,
  text,
} from './saml-xml.ts';

/** What a verified assertion says: all of it read from the signed bytes. */
export interface VerifiedSamlAssertion {
  issuer: string;
  /** The NameID's text: SAML:sub. */
  subject: string;
  /** `persistent`, `transient`, or the NameID's full Format URI: SAML:sub_type. */
  subjectType: string;
  /** The bearer confirmation's Recipient: SAML:aud. */
  recipient: string;
  audience: string;
  /** Values of each attribute, by attribute Name. */
  attributes: ReadonlyMap<string, readonly string[]>;
  /** AuthnStatement SessionNotOnOrAfter: no session outlives it. */
  sessionNotOnOrAfter?: Date;
}

const SIGNATURE_ALGORITHMS = [
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
];
const DIGEST_ALGORITHMS = [
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
];
const TRANSFORMS = [
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
];

const refuse = (check: 'saml-format' | 'signature' | 'issuer' | 'audience' | 'recipient', detail: string) =>
  invalidIdentityToken(check, detail);

function decode(samlResponse: string): string {
  const compact = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw refuse('saml-format', 'Invalid SAML response: SAMLAssertion is not base64 (saml-format check)');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** The shape every later step relies on; returns the Assertion and its Signature. */
function requireShape(document: Document): { response: Element; assertion: Element; signature: Element } {
  const response = document.documentElement as Element;
  const shape = (detail: string) =>
    refuse('saml-format', `Invalid SAML response: ${detail} (saml-format check)`);
  if (response.namespaceURI !== SAML_NS.protocol || response.localName !== 'Response') {
    throw shape('the root element is not a samlp:Response');
  }
  if (descendantsNamed(document, 'EncryptedAssertion').length > 0) {
    throw shape('an EncryptedAssertion is not accepted (no decryption key is registered)');
  }
  const assertions = descendantsNamed(document, 'Assertion');
  if (assertions.length !== 1)
    throw shape(`the document holds ${assertions.length} Assertion elements, not exactly one`);
  const assertion = assertions[0] as Element;
  if (assertion.namespaceURI !== SAML_NS.assertion || assertion.parentNode !== response) {
    throw shape('the Assertion is not a saml:Assertion directly inside the Response');
  }
  const id = assertion.getAttribute('ID') ?? '';
  if (!/^[A-Za-z_][\w.-]*$/.test(id)) throw shape('the Assertion has no valid ID');
  if (elementsWithId(document, id).length !== 1)
    throw shape(`the ID ${id} is carried by more than one element`);

  const signatures = descendantsNamed(document, 'Signature');
  if (signatures.length !== 1) {
    throw refuse(
      'signature',
      `Response signature invalid (signature check: the document holds ${signatures.length} Signature elements; exactly one, in the Assertion, is accepted)`,
    );
  }
  const signature = signatures[0] as Element;
  if (signature.namespaceURI !== SAML_NS.dsig || signature.parentNode !== assertion) {
    throw refuse(
      'signature',
      'Response signature invalid (signature check: the Signature is not a child of the Assertion)',
    );
  }
  const signedInfo = onlyChild(signature, SAML_NS.dsig, 'SignedInfo');
  const references = signedInfo ? childElements(signedInfo, SAML_NS.dsig, 'Reference') : [];
  if (references.length !== 1 || references[0]?.getAttribute('URI') !== `#${id}`) {
    throw refuse(
      'signature',
      `Response signature invalid (signature check: the Signature must hold exactly one Reference, to #${id})`,
    );
  }
  const method =
    signedInfo && onlyChild(signedInfo, SAML_NS.dsig, 'SignatureMethod')?.getAttribute('Algorithm');
  const digest = onlyChild(references[0], SAML_NS.dsig, 'DigestMethod')?.getAttribute('Algorithm');
  const transforms = descendantsNamed(references[0], 'Transform').map(
    (t) => t.getAttribute('Algorithm') ?? '',
  );
  if (
    !SIGNATURE_ALGORITHMS.includes(method ?? '') ||
    !DIGEST_ALGORITHMS.includes(digest ?? '') ||
    !transforms.every((t) => TRANSFORMS.includes(t))
  ) {
    throw refuse(
      'signature',
      `Response signature invalid (signature check: algorithm ${method}, digest ${digest}, transforms ${transforms.join(' ')}; ` +
        `accepted are RSA-SHA256/512, SHA-256/512 digests, enveloped-signature and exclusive c14n)`,
    );
  }
  return { response, assertion, signature };
}

/** Verifies with each of the provider's certificates; returns the signed Assertion, re-parsed from the signed bytes. */
function verifiedAssertion(
  xml: string,
  signature: Element,
  id: string,
  provider: RegisteredSamlProvider,
): Element {
  for (const certificate of provider.certificates) {
    // getCertFromKeyInfo: () => null — the key the message carries is never the key that verifies it.
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
    let valid: boolean;
    try {
      verifier.loadSignature(signature);
      valid = verifier.checkSignature(xml);
    } catch {
      valid = false;
    }
    if (!valid) continue;
    const signed = verifier.getSignedReferences();
    const root =
      signed.length === 1 ? parseSamlXml(signed[0] as string, 'The signed Assertion').documentElement : null;
    if (
      root?.namespaceURI === SAML_NS.assertion &&
      root.localName === 'Assertion' &&
      root.getAttribute('ID') === id
    ) {
      return root;
    }
    break;
  }
  throw refuse(
    'signature',
    `Response signature invalid (signature check: the Assertion's signature does not verify with the signing certificate of ${provider.arn})`,
  );
}

function instant(value: string | null | undefined, what: string): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw refuse(
      'saml-format',
      `Invalid SAML response: ${what} ${JSON.stringify(value)} is not a UTC instant (saml-format check)`,
    );
  }
  return date;
}

function requireTimeWindow(
  notBefore: Date | undefined,
  notOnOrAfter: Date | undefined,
  now: Date,
  what: string,
): void {
  if (notOnOrAfter && now.getTime() >= notOnOrAfter.getTime()) {
    throw new StsError(
      'expiry',
      'ExpiredTokenException',
      400,
      `Token must be redeemed before ${notOnOrAfter.toISOString()} (expiry check: ${what} NotOnOrAfter passed; now ${now.toISOString()})`,
    );
  }
  if (notBefore && now.getTime() < notBefore.getTime()) {
    throw invalidIdentityToken(
      'expiry',
      `Invalid SAML response: not yet valid (expiry check: ${what} NotBefore ${notBefore.toISOString()} is after now ${now.toISOString()})`,
    );
  }
}

function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, SAML_NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, SAML_NS.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      const values = childElements(attribute, SAML_NS.assertion, 'AttributeValue').map(
        (value) => text(value) ?? '',
      );
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}

function subjectType(format: string): string {
  if (format === NAME_ID_FORMAT.persistent) return 'persistent';
  if (format === NAME_ID_FORMAT.transient) return 'transient';
  return format;
}

export function verifySamlResponse(
  samlResponse: string,
  provider: RegisteredSamlProvider,
  now: Date = new Date(),
): VerifiedSamlAssertion {
  const xml = decode(samlResponse);
  let document: Document;
  try {
    document = parseSamlXml(xml, 'The SAML response');
  } catch (error) {
    if (!(error instanceof SamlXmlError)) throw error;
    throw refuse('saml-format', `Invalid SAML response: ${error.message} (saml-format check)`);
  }
  try {
    const { response, assertion: carried, signature } = requireShape(document);
    const assertion = verifiedAssertion(xml, signature, carried.getAttribute('ID') as string, provider);

    // The Response's own parts are not signed: they may only agree with the signed Assertion.
    const status = onlyChild(response, SAML_NS.protocol, 'Status');
    const code = status && onlyChild(status, SAML_NS.protocol, 'StatusCode')?.getAttribute('Value');
    if (code !== STATUS_SUCCESS)
      throw refuse('saml-format', `Invalid SAML response: status ${code} (saml-format check)`);

    const issuer = text(onlyChild(assertion, SAML_NS.assertion, 'Issuer'));
    const responseIssuer = text(onlyChild(response, SAML_NS.assertion, 'Issuer'));
    if (issuer !== provider.entityId || (responseIssuer !== undefined && responseIssuer !== issuer)) {
      throw refuse(
        'issuer',
        `Issuer not present in specified provider (issuer check: the Assertion's Issuer ${JSON.stringify(issuer)} is not ` +
          `${JSON.stringify(provider.entityId)}, the entityID of ${provider.arn})`,
      );
    }

    const conditions = onlyChild(assertion, SAML_NS.assertion, 'Conditions');
    const notOnOrAfter = instant(conditions?.getAttribute('NotOnOrAfter'), 'Conditions NotOnOrAfter');
    if (!conditions || !notOnOrAfter) {
      throw refuse(
        'saml-format',
        'Invalid SAML response: the Assertion has no Conditions NotOnOrAfter (saml-format check)',
      );
    }
    requireTimeWindow(
      instant(conditions.getAttribute('NotBefore'), 'Conditions NotBefore'),
      notOnOrAfter,
      now,
      'Conditions',
    );

    const audiences = childElements(conditions, SAML_NS.assertion, 'AudienceRestriction').map((restriction) =>
      childElements(restriction, SAML_NS.assertion, 'Audience').map((audience) => text(audience) ?? ''),
    );
    // Every AudienceRestriction must name AWS (SAML core 2.5.1.4).
    if (audiences.length === 0 || !audiences.every((list) => list.includes(AWS_SAML_AUDIENCE))) {
      throw refuse(
        'audience',
        `Invalid SAML response: audience mismatch (audience check: the Audience is ${JSON.stringify(audiences.flat())}, not ${AWS_SAML_AUDIENCE})`,
      );
    }

    const subject = onlyChild(assertion, SAML_NS.assertion, 'Subject');
    const nameId = subject && onlyChild(subject, SAML_NS.assertion, 'NameID');
    const bearer = subject
      ? childElements(subject, SAML_NS.assertion, 'SubjectConfirmation').filter(
          (c) => c.getAttribute('Method') === BEARER,
        )
      : [];
    const confirmation =
      bearer.length === 1
        ? onlyChild(bearer[0] as Element, SAML_NS.assertion, 'SubjectConfirmationData')
        : undefined;
    if (!nameId || !text(nameId) || !confirmation) {
      throw refuse(
        'saml-format',
        'Invalid SAML response: the Subject needs a NameID and one bearer SubjectConfirmationData (saml-format check)',
      );
    }
    const recipient = confirmation.getAttribute('Recipient') ?? '';
    const destination = response.getAttribute('Destination');
    if (recipient !== AWS_SAML_ENDPOINT || (destination !== null && destination !== AWS_SAML_ENDPOINT)) {
      throw refuse(
        'recipient',
        `Invalid SAML response: recipient mismatch (recipient check: Recipient ${JSON.stringify(recipient)}, Destination ` +
          `${JSON.stringify(destination)}; AWS's is ${AWS_SAML_ENDPOINT})`,
      );
    }
    requireTimeWindow(
      instant(confirmation.getAttribute('NotBefore'), 'SubjectConfirmationData NotBefore'),
      instant(confirmation.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter'),
      now,
      'SubjectConfirmationData',
    );

    const authn = childElements(assertion, SAML_NS.assertion, 'AuthnStatement')[0];
    return {
      issuer,
      subject: text(nameId) as string,
      subjectType: subjectType(
        nameId.getAttribute('Format') ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      ),
      recipient,
      audience: AWS_SAML_AUDIENCE,
      attributes: readAttributes(assertion),
      sessionNotOnOrAfter: instant(authn?.getAttribute('SessionNotOnOrAfter'), 'SessionNotOnOrAfter'),
    };
  } catch (error) {
    if (!(error instanceof SamlXmlError)) throw error;
    throw refuse('saml-format', `Invalid SAML response: ${error.message} (saml-format check)`);
  }
}
