// SigV4's canonical request, rebuilt from the request as it arrived: the path, query and headers
// the caller signed are the ones the gate forwards, so any change to them changes this text.

/** RFC 3986 unreserved characters stay; everything else is %XX in upper case. */
export const rfc3986Encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A stray '%' is a character like any other to the signer that produced it.
    return value;
  }
}

/**
 * S3 signs the path encoded once (the object key as the SDK escaped it); so the key is decoded and
 * re-encoded, which makes equivalent spellings (%7E, ~) the same. Every other service normalizes
 * the path (no '.', '..' or empty segments) and encodes it again: the double encoding.
 */
export function canonicalUri(path: string, service: string): string {
  const raw = path === '' ? '/' : path;
  if (service === 's3') {
    return raw
      .split('/')
      .map((segment) => rfc3986Encode(decodeOrKeep(segment)))
      .join('/');
  }
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && raw.endsWith('/') ? '/' : ''}`;
  return rfc3986Encode(normalized).replace(/%2F/g, '/');
}

export interface QueryParameter {
  name: string;
  value: string;
}

/** The raw query string's parameters, decoded, in the order sent. */
export function parseQuery(query: string): QueryParameter[] {
  if (query === '') return [];
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      const value = equals === -1 ? '' : pair.slice(equals + 1);
      return { name: decodeOrKeep(name), value: decodeOrKeep(value) };
    });
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every parameter but X-Amz-Signature, re-encoded and sorted by name, then by value. */
export function canonicalQuery(parameters: readonly QueryParameter[]): string {
  return parameters
    .filter(({ name }) => name !== 'X-Amz-Signature')
    .map(({ name, value }) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => byCodeUnits(nameA, nameB) || byCodeUnits(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** `name:value\n` for each signed header, the value trimmed and its runs of whitespace made one space. */
export function canonicalHeaders(
  headers: Readonly<Record<string, string>>,
  signedHeaders: readonly string[],
): string {
  return signedHeaders
    .map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
}

export interface CanonicalRequestParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export const canonicalRequest = (parts: CanonicalRequestParts): string =>
  [
    parts.method,
    parts.uri,
    parts.query,
    parts.headers,
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');

export const credentialScope = (date: string, region: string, service: string): string =>
  `${date}/${region}/${service}/aws4_request`;
