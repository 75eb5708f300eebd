// Self time of a V8 CPU profile (as the inspector's Profiler.stop returns it), by where the code
// lives and by function: what the gate's process spends its CPU on.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples?: number[];
  timeDeltas?: number[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** An npm package, a workspace project (`local/permission-gate`), Node itself, or V8. */
function whereOf({ functionName, url }: CallFrame): string {
  if (url === '')
    return ['(garbage collector)', '(program)', '(idle)'].includes(functionName) ? functionName : '(native)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) return inPackage[1] ?? url;
  if (url.startsWith('node:')) return 'node (internals)';
  const inWorkspace = /\/(apps|libs|local|tools|bench)\/([^/]+)\//.exec(url);
  return inWorkspace ? `${inWorkspace[1]}/${inWorkspace[2]}` : url;
}

function functionOf({ functionName, url, lineNumber }: CallFrame): string {
  const file = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url;
  return `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
}

const top = (totals: Map<string, number>, busyMicros: number, count: number) =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({
      name,
      selfMs: Math.round(us / 100) / 10,
      selfPercent: Math.round((us / busyMicros) * 1_000) / 10,
    }));

export function selfTimeOf(profile: CpuProfile) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byWhere = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyMicros = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const frame = frames.get(id);
    const delta = profile.timeDeltas?.[i + 1] ?? 0; // the time until the next sample
    if (!frame || frame.functionName === '(idle)') return;
    busyMicros += delta;
    byWhere.set(whereOf(frame), (byWhere.get(whereOf(frame)) ?? 0) + delta);
    byFunction.set(functionOf(frame), (byFunction.get(functionOf(frame)) ?? 0) + delta);
  });
  return {
    busyMs: Math.round(busyMicros / 1_000),
    byWhere: top(byWhere, busyMicros, 15),
    byFunction: top(byFunction, busyMicros, 25),
  };
}
