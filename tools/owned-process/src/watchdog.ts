// The lifeline's other end: a small process, one per owner, in a process group of its own (so a
// terminal's Ctrl-C never reaches it). It reads what the owner registers on standard input; when
// that pipe closes, the owner has ended, however it ended (exit, crash, SIGKILL), and everything
// still registered is stopped and deleted. Lines: `+group <pgid> <signal>`, `-group <pgid>`,
// `+path <absolute path>`, `-path <absolute path>`.
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const groups = new Map<number, NodeJS.Signals>();
const paths = new Set<string>();
const graceMs = 3_000;

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function reap(): Promise<void> {
  for (const [pgid, signal] of groups) signalGroup(pgid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && [...groups.keys()].some((pgid) => signalGroup(pgid, 0))) await sleep(50);
  for (const pgid of groups.keys()) signalGroup(pgid, 'SIGKILL');
  // A process killed a moment ago may still hold files open under a path; removal waits for none.
  for (const path of paths) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [verb, ...rest] = line.split(' ');
  const argument = rest.join(' ');
  if (verb === '+group') groups.set(Number(rest[0]), (rest[1] ?? 'SIGTERM') as NodeJS.Signals);
  else if (verb === '-group') groups.delete(Number(argument));
  else if (verb === '+path') paths.add(argument);
  else if (verb === '-path') paths.delete(argument);
});
lines.on('close', () => void reap().finally(() => process.exit(0)));
// The owner's own signals are its business: the watchdog only ever ends when the pipe closes.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
