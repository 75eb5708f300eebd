// What an attacker does to a signed SAML Response once it has one: change a value, strip the
// signature, or wrap the signed Assertion with an unsigned one of its own (signature wrapping),
// so that a verifier which checks one element and reads another is fooled. Tests only.
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SAML_NS } from '../saml/aws-saml.ts';

const decode = (base64: string) =>
  new DOMParser().parseFromString(Buffer.from(base64, 'base64').toString('utf8'), 'text/xml');
const encode = (document: Document) =>
  Buffer.from(new XMLSerializer().serializeToString(document)).toString('base64');

function parts(document: Document) {
  const response = document.documentElement as Element;
  const assertion = response.getElementsByTagNameNS(SAML_NS.assertion, 'Assertion')[0] as Element;
  return { response, assertion };
}

export function tamper(base64: string, change: (document: Document, assertion: Element) => void): string {
  const document = decode(base64);
  change(document, parts(document).assertion);
  return encode(document);
}

/** Sets the text of the first element with that local name in the assertion namespace. */
export function setText(assertion: Element, localName: string, value: string): void {
  const element = assertion.getElementsByTagNameNS(SAML_NS.assertion, localName)[0] as Element;
  element.textContent = value;
}

export function withoutSignature(base64: string): string {
  return tamper(base64, (_, assertion) => {
    const signature = assertion.getElementsByTagNameNS(SAML_NS.dsig, 'Signature')[0] as Element;
    assertion.removeChild(signature);
  });
}

/** An unsigned copy of the signed Assertion, with a new ID, no signature and the attacker's NameID and role. */
function forgedCopy(
  document: Document,
  signed: Element,
  attacker: { nameId: string; roleValue: string },
): Element {
  const forged = signed.cloneNode(true) as Element;
  forged.setAttribute('ID', '_forged');
  const signature = forged.getElementsByTagNameNS(SAML_NS.dsig, 'Signature')[0] as Element;
  forged.removeChild(signature);
  setText(forged, 'NameID', attacker.nameId);
  setText(forged, 'AttributeValue', attacker.roleValue);
  return forged;
}

export type WrappingShape = 'before' | 'around' | 'holding';

/**
 * before: the forged Assertion is placed before the signed one, both children of the Response.
 * around: the forged Assertion takes the signed one's place and carries it inside its own
 *   Signature's ds:Object, where the Reference still finds it by ID (XSW "around").
 * holding: the forged Assertion takes its place and holds the signed one in saml:Advice, where
 *   SAML's schema allows a nested Assertion.
 */
export function wrap(
  base64: string,
  shape: WrappingShape,
  attacker: { nameId: string; roleValue: string },
): string {
  const document = decode(base64);
  const { response, assertion: signed } = parts(document);
  const forged = forgedCopy(document, signed, attacker);
  if (shape === 'before') {
    response.insertBefore(forged, signed);
  } else if (shape === 'around') {
    const signature = signed.getElementsByTagNameNS(SAML_NS.dsig, 'Signature')[0] as Element;
    const moved = signature.cloneNode(true) as Element;
    const object = document.createElementNS(SAML_NS.dsig, 'ds:Object');
    object.appendChild(signed.cloneNode(true));
    moved.appendChild(object);
    forged.insertBefore(moved, forged.getElementsByTagNameNS(SAML_NS.assertion, 'Subject')[0] as Element);
    response.replaceChild(forged, signed);
  } else {
    const advice = document.createElementNS(SAML_NS.assertion, 'saml:Advice');
    advice.appendChild(signed.cloneNode(true));
    const conditions = forged.getElementsByTagNameNS(SAML_NS.assertion, 'Conditions')[0] as Element;
    forged.insertBefore(advice, conditions.nextSibling);
    response.replaceChild(forged, signed);
  }
  return encode(document);
}
