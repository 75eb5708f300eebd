/**
 * Decodes the object key of an S3 event record. S3 encodes keys there as HTML forms do: `+` is a
 * space, `%2B` a literal plus, every other byte percent-encoded UTF-8. The result is the key exactly
 * as stored: no Unicode normalisation, so `é` written as NFC and as NFD stays two different keys,
 * as it is in S3.
 */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch (error) {
    throw new Error(`the S3 event carries a malformed object key: ${JSON.stringify(encoded)}`, {
      cause: error,
    });
  }
}
