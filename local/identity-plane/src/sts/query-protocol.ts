// STS speaks the awsQuery protocol: form-encoded parameters in, XML out. Only the shapes the
// identity plane answers itself are built here; everything else is the emulator's own response.
const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export type XmlTree = { [element: string]: string | XmlTree | undefined };

/** Escapes element text (the only place values go: no attribute carries request data). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function elements(tree: XmlTree): string {
  return Object.entries(tree)
    .filter((entry): entry is [string, string | XmlTree] => entry[1] !== undefined)
    .map(
      ([name, value]) =>
        `<${name}>${typeof value === 'string' ? escapeXml(value) : elements(value)}</${name}>`,
    )
    .join('');
}

export function queryResponse(action: string, result: XmlTree, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">` +
    `<${action}Result>${elements(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
}

export function queryError(code: string, message: string, requestId: string, type = 'Sender'): string {
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">` +
    elements({ Error: { Type: type, Code: code, Message: message } }) +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>`
  );
}

const STS_TARGET = 'AWSSecurityTokenServiceV20110615';

export interface StsRequest {
  /** Every operation name the request carries; more than one is refused as ambiguous. */
  actions: string[];
  /** Parameters of an awsQuery request; other protocols are not decoded. */
  params: URLSearchParams | undefined;
}

/**
 * Which STS operation a request calls, whatever protocol it uses: awsQuery (query string or form
 * body), awsJson (`X-Amz-Target`) or Smithy RPC v2 (`/service/<target>/operation/<name>`). The
 * front must recognise every form, or a request in an unexpected protocol would slip past it, so
 * a POST body is read as form parameters whatever its declared content type.
 */
export function readStsRequest(
  method: string,
  url: URL,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): StsRequest {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(`${STS_TARGET}.`)) {
    return { actions: [target.slice(STS_TARGET.length + 1)], params: undefined };
  }
  const rpc = /\/service\/AWSSecurityTokenServiceV20110615\/operation\/([A-Za-z]+)$/.exec(url.pathname);
  if (rpc?.[1]) return { actions: [rpc[1]], params: undefined };

  const params = new URLSearchParams(url.search);
  if (method === 'POST') {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
  }
  return { actions: [...new Set(params.getAll('Action'))], params };
}
