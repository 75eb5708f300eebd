// Where a request's time goes inside the gate, from Node's own HTTP diagnostics channels (no change
// to the gate): when the gate's server got the request, when the gate opened its request to the
// emulator, when the emulator's answer came back, and when the gate finished answering. The gate
// forwards the caller's headers unchanged, so its request to the emulator is matched to the
// caller's by method, URL, signature and the SDK's invocation id.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GateRequestTiming {
  /** What the bench was measuring when the request arrived (`worker`, `upload`). */
  phase: string;
  /** Arrival to the request to the emulator made: reading the body, decideCall, building the request. */
  beforeMs: number;
  /** The request made to it on its socket: the emulator closes every connection, so a connect. */
  connectMs: number;
  /** The emulator's part as the gate sees it: request sent to answer's headers received. */
  upstreamMs: number;
  /** The answer's headers to the caller's answer finished (the S3 404 check, relaying the body). */
  afterMs: number;
  /** The gate's own time: everything but the emulator's part. */
  ownMs: number;
}

interface Pending {
  phase: string;
  arrived: number;
  forwarded?: number;
  sent?: number;
  answered?: number;
}

const now = () => performance.now();

function keyOf(method: string, url: string, header: (name: string) => unknown): string {
  const value = (name: string) => String(header(name) ?? '');
  return [method, url, value('authorization'), value('amz-sdk-invocation-id'), value('amz-sdk-request')].join(
    ' ',
  );
}

export function timeGateRequests(gateEndpoint: string) {
  const gatePort = Number(new URL(gateEndpoint).port);
  let phase = 'setup';
  const byKey = new Map<string, Pending>();
  const byIncoming = new WeakMap<IncomingMessage, Pending>();
  const byOutgoing = new WeakMap<ClientRequest, Pending>();
  const timings: GateRequestTiming[] = [];

  const onServerStart = (message: unknown) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (socket.localPort !== gatePort) return;
    const pending: Pending = { phase, arrived: now() };
    byIncoming.set(request, pending);
    byKey.set(
      keyOf(request.method ?? '', request.url ?? '', (name) => request.headers[name]),
      pending,
    );
  };
  const onClientCreated = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const key = keyOf(request.method, request.path, (name) => request.getHeader(name));
    const pending = byKey.get(key);
    if (!pending) return; // the gate's own calls (IAM, DescribeTable), the STS front's, the bench's
    byKey.delete(key);
    pending.forwarded = now();
    byOutgoing.set(request, pending);
  };
  const onClientStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const pending = byOutgoing.get(request);
    if (pending) pending.sent = now();
  };
  const onClientResponse = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const pending = byOutgoing.get(request);
    if (pending) pending.answered = now();
  };
  const onServerFinish = (message: unknown) => {
    const { request } = message as { request: IncomingMessage; response: ServerResponse };
    const pending = byIncoming.get(request);
    if (!pending) return;
    const finished = now();
    const { forwarded, sent, answered } = pending;
    if (forwarded === undefined || sent === undefined || answered === undefined) return; // the gate answered
    const beforeMs = forwarded - pending.arrived;
    const afterMs = finished - answered;
    timings.push({
      phase: pending.phase,
      beforeMs,
      connectMs: sent - forwarded,
      upstreamMs: answered - sent,
      afterMs,
      ownMs: beforeMs + afterMs,
    });
  };
  const channels = {
    'http.server.request.start': onServerStart,
    'http.client.request.created': onClientCreated,
    'http.client.request.start': onClientStart,
    'http.client.response.finish': onClientResponse,
    'http.server.response.finish': onServerFinish,
  };
  for (const [name, listener] of Object.entries(channels)) subscribe(name, listener);

  return {
    setPhase(next: string) {
      phase = next;
      byKey.clear();
    },
    timings: (of: string) => timings.filter((timing) => timing.phase === of),
    close() {
      for (const [name, listener] of Object.entries(channels)) unsubscribe(name, listener);
    },
  };
}
