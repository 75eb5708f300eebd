/** How many leading bytes the sniffer looks at (the WHATWG algorithm reads at most 1445). */
export const SNIFF_BYTES = 1445;

type Pattern = { type: string; bytes: (number | undefined)[] };

// The signatures of the WHATWG MIME Sniffing Standard (§6.1 images, §6.2 audio/video, §6.3 fonts,
// §6.4 archives, §7.1 PDF/PostScript) that need no parsing beyond a fixed prefix. `undefined`
// matches any byte. Scriptable types (HTML, XML) are left out on purpose: uploads are never
// rendered, and "looks like HTML" is not a fact worth recording.
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const PATTERNS: Pattern[] = [
  { type: 'application/pdf', bytes: ascii('%PDF-') },
  { type: 'application/postscript', bytes: ascii('%!PS-Adobe-') },
  { type: 'image/png', bytes: [0x89, ...ascii('PNG\r\n\x1a\n')] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: ascii('GIF87a') },
  { type: 'image/gif', bytes: ascii('GIF89a') },
  {
    type: 'image/webp',
    bytes: [...ascii('RIFF'), undefined, undefined, undefined, undefined, ...ascii('WEBPVP')],
  },
  { type: 'image/bmp', bytes: ascii('BM') },
  { type: 'image/x-icon', bytes: [0x00, 0x00, 0x01, 0x00] },
  {
    type: 'audio/wave',
    bytes: [...ascii('RIFF'), undefined, undefined, undefined, undefined, ...ascii('WAVE')],
  },
  { type: 'audio/mpeg', bytes: ascii('ID3') },
  { type: 'application/ogg', bytes: [...ascii('OggS'), 0x00] },
  { type: 'video/webm', bytes: [0x1a, 0x45, 0xdf, 0xa3] },
  { type: 'font/woff', bytes: ascii('wOFF') },
  { type: 'font/woff2', bytes: ascii('wOF2') },
  { type: 'application/x-gzip', bytes: [0x1f, 0x8b, 0x08] },
  { type: 'application/zip', bytes: [...ascii('PK'), 0x03, 0x04] },
  { type: 'application/x-rar-compressed', bytes: [...ascii('Rar!'), 0x1a, 0x07, 0x00] },
];

const BYTE_ORDER_MARKS = [
  [0xfe, 0xff],
  [0xff, 0xfe],
  [0xef, 0xbb, 0xbf],
];

// WHATWG "binary data byte": control characters other than TAB, LF, FF, CR and ESC.
const isBinaryDataByte = (byte: number) =>
  byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f);

const startsWith = (head: Uint8Array, pattern: (number | undefined)[]) =>
  head.length >= pattern.length && pattern.every((byte, index) => byte === undefined || head[index] === byte);

/**
 * The content type the first bytes of a file show, by the WHATWG MIME Sniffing Standard's rules
 * for an unknown type: a known signature wins; otherwise text (a byte order mark, or no binary
 * data bytes) is `text/plain` and anything else `application/octet-stream`. Bytes cannot tell
 * CSV from JSON from plain text, so every text format sniffs as `text/plain`.
 */
export function sniffContentType(head: Uint8Array): string {
  const match = PATTERNS.find((pattern) => startsWith(head, pattern.bytes));
  if (match) return match.type;
  if (BYTE_ORDER_MARKS.some((mark) => startsWith(head, mark))) return 'text/plain';
  return head.some(isBinaryDataByte) ? 'application/octet-stream' : 'text/plain';
}
