import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
}

/** The parts of a V8 `.cpuprofile` this reads (times in microseconds). */
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a sampled frame's code lives: an npm package, a workspace project, Node itself, or V8. */
export function categoryOf({ functionName, url }: CallFrame): string {
  if (url === '') {
    if (['(garbage collector)', '(idle)', '(program)'].includes(functionName)) return functionName;
    return `(native) ${functionName}`;
  }
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packagePath) return packagePath[1] ?? url;
  const workspace = /\/(apps|libs|tools)\/([^/]+)\//.exec(url);
  if (workspace) return `@keyless/${workspace[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  return url;
}

/**
 * Self time by category over the last `windowSeconds` of the profile (the load; start-up is left
 * out), as a share of the busy (non-idle) samples, largest first.
 */
export function summarizeProfile(path: string, windowSeconds: number, top = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const categories = new Map(profile.nodes.map((node) => [node.id, categoryOf(node.callFrame)]));
  const from = profile.endTime - windowSeconds * 1e6;
  const totals = new Map<string, number>();
  let busy = 0;
  let at = profile.endTime - profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const category = categories.get(id) ?? 'unknown';
    if (at < from || category === '(idle)') return;
    busy += 1;
    totals.set(category, (totals.get(category) ?? 0) + 1);
  });
  return [...totals]
    .map(([category, samples]) => ({ category, selfPercent: Math.round((samples / busy) * 1000) / 10 }))
    .sort((a, b) => b.selfPercent - a.selfPercent)
    .slice(0, top);
}
