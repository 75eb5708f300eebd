// decideCall (authenticate + resolve + evaluate) timed on its own: the requests the gate really got,
// captured from its onCall, decided again in this process with the gate's own DecideDeps (same
// session lookup, same role-policy cache, same resource names), each between two
// process.hrtime.bigint() readings. `now` is the time the gate decided it, so a signature is judged
// as it was then. Any wait for IAM (the role-policy cache's one-second refresh) or a DescribeTable
// is timed apart, so the figure is the gate's own CPU.
import {
  decideCall,
  gateCallRecord,
  type DecideDeps,
  type GateCall,
  type GateRequest,
  type RolePolicySource,
} from '@keyless/permission-gate';

export interface CapturedRequest {
  /** The call as the gate reported it (onCall), for the trail record. */
  call: GateCall;
  request: GateRequest;
  decidedAt: Date;
  /** `service:Operation`, as the gate resolved it. */
  operation: string;
}

export interface DecideCost {
  requests: number;
  /** decideCall, waits for the emulator excluded, in microseconds: the first pass. */
  micros: number[];
  /**
   * Each request's fastest of `passes` passes: the cost without the machine's interruptions (a
   * shared VM deschedules the process mid-call; a GC pause lands on some call).
   */
  fastestMicros: number[];
  /** Calls that waited for IAM or a DescribeTable, and how long (ms) in all. */
  emulatorWaits: number;
  emulatorWaitMs: number;
  refused: number;
}

const micros = (from: bigint) => Number(process.hrtime.bigint() - from) / 1_000;

export async function measureDecideCost(
  deps: DecideDeps,
  captured: CapturedRequest[],
  passes = 3,
): Promise<DecideCost> {
  let waited = 0;
  const waitTimed =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const from = process.hrtime.bigint();
      try {
        return await fn(...args);
      } finally {
        waited += micros(from);
      }
    };
  const roles: RolePolicySource = { get: waitTimed(deps.roles.get), forget: deps.roles.forget };
  const names = deps.names && { ...deps.names, prepare: waitTimed(deps.names.prepare) };
  const cost: DecideCost = {
    requests: captured.length,
    micros: [],
    fastestMicros: [],
    emulatorWaits: 0,
    emulatorWaitMs: 0,
    refused: 0,
  };
  for (let pass = 0; pass < passes; pass += 1) {
    for (const [index, { request, decidedAt }] of captured.entries()) {
      waited = 0;
      const from = process.hrtime.bigint();
      const decision = await decideCall(request, {
        ...deps,
        roles,
        ...(names && { names }),
        now: () => decidedAt,
      });
      const total = micros(from);
      // A cached read still goes through an await; only a real wait (over 1 ms) is the emulator's.
      const emulator = waited > 1_000 ? waited : 0;
      const own = total - emulator;
      if (pass === 0) {
        if (emulator > 0) {
          cost.emulatorWaits += 1;
          cost.emulatorWaitMs += emulator / 1_000;
        }
        if (!decision.allowed) cost.refused += 1;
        cost.micros.push(own);
      }
      cost.fastestMicros[index] = Math.min(cost.fastestMicros[index] ?? Infinity, own);
    }
  }
  return cost;
}

/**
 * The trail's part of each call, timed the same way: what the gate's onCall does on the hot path in
 * `npm start` (the CloudTrail record built, serialized as the trail writer's append does). Returns
 * the first pass's and each call's fastest of `passes`, in microseconds.
 */
export function measureTrailRecordCost(captured: CapturedRequest[], region: string, passes = 3) {
  const first: number[] = [];
  const fastest: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    for (const [index, { call }] of captured.entries()) {
      const from = process.hrtime.bigint();
      JSON.stringify(gateCallRecord(call, region));
      const own = micros(from);
      if (pass === 0) first.push(own);
      fastest[index] = Math.min(fastest[index] ?? Infinity, own);
    }
  }
  return { first, fastest };
}
