// Reading SAML XML without surprises: a parser that stops at the first irregularity and refuses a
// DOCTYPE (no entity expansion, no external references), and helpers that walk child elements by
// namespace, never by prefix or by a search that could find an element somewhere else.
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

export class SamlXmlError extends Error {}

export function parseSamlXml(xml: string, what: string): Document {
  let document: Document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        throw new SamlXmlError(`${level}: ${message}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new SamlXmlError(`${what} is not well-formed XML (${(error as Error).message})`);
  }
  for (let node = document.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.DOCUMENT_TYPE_NODE) throw new SamlXmlError(`${what} has a DOCTYPE`);
  }
  if (!document.documentElement) throw new SamlXmlError(`${what} has no root element`);
  return document;
}

const isElement = (node: Node): node is Element => node.nodeType === node.ELEMENT_NODE;

export function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (isElement(node) && node.namespaceURI === namespace && node.localName === localName) found.push(node);
  }
  return found;
}

/** The one child element of that name, or undefined when there is none; more than one is an error. */
export function onlyChild(parent: Element, namespace: string, localName: string): Element | undefined {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1)
    throw new SamlXmlError(`${parent.localName} has ${found.length} ${localName} elements`);
  return found[0];
}

/** Every element anywhere below `root` (and root itself) with that local name, in any namespace. */
export function descendantsNamed(root: Document | Element, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS('*', localName));
}

/** Every element in the document carrying this value in an attribute XML signatures resolve as an ID. */
export function elementsWithId(document: Document, id: string): Element[] {
  return Array.from(document.getElementsByTagNameNS('*', '*')).filter((element) =>
    ['ID', 'Id', 'id'].some((name) => element.getAttribute(name) === id),
  );
}

/**
 * The element's text, comments dropped and text joined: what canonicalisation signed. Reading only
 * the first text node would stop at a comment (`alice@example.com<!---->.evil.test`).
 */
export function text(element: Element | undefined): string | undefined {
  return element?.textContent?.trim();
}
