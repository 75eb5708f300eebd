// An AWS error in the shape the caller's SDK parses for its protocol, so the SDK throws an
// exception named by the code, with our message and status (proved against the real clients in
// test/authorize/render-aws-error.test.ts).
import type { AwsError } from '../gate-request.ts';
import type { AwsProtocol } from './types.ts';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function xmlEscape(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char,
  );
}

/** The query protocol's namespaces: the SDKs ignore them, other clients may not. */
const QUERY_NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sqs: 'http://queue.amazonaws.com/doc/2012-11-05/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
};

/**
 * `requestId` goes where each protocol carries it (header and body), so a caller can quote it and
 * the trail can find it. For S3 HEAD requests the server must send no body: the SDK then has no code
 * to read and throws `Unknown` with the status (403), as it does with AWS.
 */
export function renderAwsError(
  protocol: AwsProtocol,
  service: string,
  error: AwsError,
  requestId: string,
): RenderedError {
  const { status, code, message } = error;
  switch (protocol) {
    case 'rest-xml':
      return {
        status,
        headers: {
          'content-type': 'application/xml',
          'x-amz-request-id': requestId,
          'x-amz-id-2': requestId,
        },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>` +
          `<RequestId>${xmlEscape(requestId)}</RequestId><HostId>${xmlEscape(requestId)}</HostId></Error>`,
      };
    case 'query': {
      const namespace = QUERY_NAMESPACES[service];
      return {
        status,
        headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
        body:
          `<ErrorResponse${namespace ? ` xmlns="${namespace}"` : ''}><Error>` +
          `<Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${xmlEscape(code)}</Code>` +
          `<Message>${xmlEscape(message)}</Message></Error><RequestId>${xmlEscape(requestId)}</RequestId></ErrorResponse>`,
      };
    }
    case 'rest-json':
      // The code in x-amzn-ErrorType (where the SDK looks first), the message in the body.
      return {
        status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-RequestId': requestId,
          'x-amzn-ErrorType': code,
        },
        body: JSON.stringify({ message }),
      };
    case 'json-1.0':
    case 'json-1.1':
    case 'sqs-json': {
      const headers: Record<string, string> = {
        'content-type': protocol === 'json-1.1' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
        'x-amzn-RequestId': requestId,
        'x-amzn-ErrorType': code,
      };
      // SQS's JSON protocol keeps the query protocol's error codes: the SDK reads them from here.
      if (protocol === 'sqs-json')
        headers['x-amzn-query-error'] = `${code};${status >= 500 ? 'Receiver' : 'Sender'}`;
      return { status, headers, body: JSON.stringify({ __type: code, message }) };
    }
  }
}
