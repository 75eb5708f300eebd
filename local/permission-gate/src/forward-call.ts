// An allowed call goes to the emulator byte for byte (the signature, the aws-chunked framing and
// all), and the emulator's answer comes back unchanged.
import { request as httpRequest, type ServerResponse } from 'node:http';
import type { GateRequest } from './gate-request.ts';

export function forwardCall(target: string, call: GateRequest, res: ServerResponse): Promise<number> {
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
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
        answer.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}
