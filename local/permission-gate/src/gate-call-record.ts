// A call through the gate as a CloudTrail record: who (the session that signed it), what (the
// operation and the resources it was decided on) and how it ended (allowed, refused by the gate,
// or failed at the emulator).
import type { GateCall } from './gate-server.ts';
import { cloudTrailRecord, type CloudTrailRecord, type TrailOutcome } from './trail/cloudtrail-record.ts';

export function gateCallRecord(call: GateCall, region: string): CloudTrailRecord {
  const { decision, request } = call;
  const resolved = decision.resolved;
  const outcome: TrailOutcome = !decision.allowed
    ? { result: 'denied', errorCode: decision.error.code, errorMessage: decision.error.message }
    : call.status >= 400
      ? { result: 'failed', errorCode: `HTTP ${call.status}` }
      : { result: 'allowed' };
  return cloudTrailRecord({
    caller: decision.session
      ? { type: 'session', session: decision.session }
      : {
          type: 'unknown',
          ...(accessKeyOf(request.headers.authorization) && {
            accessKeyId: accessKeyOf(request.headers.authorization),
          }),
        },
    service: resolved?.service ?? (decision.allowed ? 'unknown' : (decision.service ?? 'unknown')),
    operation: resolved?.operation ?? 'Unknown',
    region,
    sourceIp: request.sourceIp,
    ...(request.headers['user-agent'] && { userAgent: request.headers['user-agent'] }),
    requestParameters: resolved?.requestParameters ?? null,
    resources: resolved?.authorizations.map((authorization) => authorization.resource) ?? [],
    authorizations: resolved?.authorizations ?? [],
    outcome,
    requestId: call.requestId,
    ...(request.tls && {
      tls: { ...request.tls, ...(request.headers.host && { host: request.headers.host }) },
    }),
    ...(!decision.allowed && { reason: `${decision.stage}: ${decision.error.message}` }),
  });
}

function accessKeyOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)/.exec(authorization)?.[1] : undefined;
}
