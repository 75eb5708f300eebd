// An allowed call goes to the emulator byte for byte (the signature, the aws-chunked framing and
// all), and the emulator's answer comes back unchanged — unless `replace` turns it into an answer
// AWS would have given this caller instead (S3's 403 for a missing key, say).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { GateRequest } from './gate-request.ts';

/** Returns true when it answered the caller itself; the emulator's answer is then dropped. */
export type ReplaceAnswer = (answer: IncomingMessage) => Promise<boolean>;

export function forwardCall(
  target: string,
  call: GateRequest,
  res: ServerResponse,
  replace?: ReplaceAnswer,
): Promise<number> {
  const upstream = new URL(target);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: call.method,
        path: call.query ? `${call.path}?${call.query}` : call.path,
        // The Host stays the gate's: it is signed, and an emulator that checks signatures (ministack
        // does, for presigned URLs) must see what the caller signed.
        headers: call.headers,
      },
      (answer) => {
        const relay = async () => {
          if (replace && (await replace(answer))) {
            answer.resume();
            return res.statusCode;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          await new Promise<void>((done, failed) => answer.on('end', done).on('error', failed));
          return answer.statusCode ?? 502;
        };
        relay().then(resolve, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}
