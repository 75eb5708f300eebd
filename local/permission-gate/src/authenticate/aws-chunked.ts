// The aws-chunked framing of a streaming S3 upload (S3 API Reference, "Transferring Payload in
// Multiple Chunks" and "Including trailing headers"):
//   <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n … 0[;chunk-signature=<sig>]\r\n
//   [<trailer name>:<value>\r\n …][x-amz-trailer-signature:<sig>\r\n]\r\n

export interface AwsChunk {
  data: Buffer;
  /** The chunk-signature extension, when the stream is signed. */
  signature?: string;
}

export interface DecodedAwsChunked {
  /** The data chunks, then the final zero-length one. */
  chunks: AwsChunk[];
  /** Trailing headers in the order sent, names in lower case, without x-amz-trailer-signature. */
  trailers: [string, string][];
  trailerSignature?: string;
}

const crlf = Buffer.from('\r\n');
const chunkHeader = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-fA-F]{64}))?$/;

/** The framing decoded, or undefined when it does not parse (a truncated or altered body). */
export function decodeAwsChunked(body: Buffer): DecodedAwsChunked | undefined {
  const chunks: AwsChunk[] = [];
  let position = 0;
  for (;;) {
    const lineEnd = body.indexOf(crlf, position);
    if (lineEnd === -1) return undefined;
    const header = chunkHeader.exec(body.toString('latin1', position, lineEnd));
    if (!header) return undefined;
    const size = Number.parseInt(header[1] ?? '', 16);
    const dataStart = lineEnd + 2;
    const signature = header[2]?.toLowerCase();
    if (size === 0) {
      chunks.push({ data: Buffer.alloc(0), ...(signature === undefined ? {} : { signature }) });
      position = dataStart;
      break;
    }
    const dataEnd = dataStart + size;
    if (dataEnd + 2 > body.length || !body.subarray(dataEnd, dataEnd + 2).equals(crlf)) return undefined;
    chunks.push({
      data: body.subarray(dataStart, dataEnd),
      ...(signature === undefined ? {} : { signature }),
    });
    position = dataEnd + 2;
  }
  const trailers: [string, string][] = [];
  let trailerSignature: string | undefined;
  // Trailing header lines up to the empty line that ends the body (or the body's end).
  while (position < body.length) {
    const lineEnd = body.indexOf(crlf, position);
    const line = body.toString('latin1', position, lineEnd === -1 ? body.length : lineEnd);
    position = lineEnd === -1 ? body.length : lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value.toLowerCase();
    else if (trailerSignature === undefined) trailers.push([name, value]);
    else return undefined;
  }
  if (position < body.length) return undefined;
  return { chunks, trailers, ...(trailerSignature === undefined ? {} : { trailerSignature }) };
}
