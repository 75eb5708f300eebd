// The process tree as `ps` shows it (Linux and macOS), for checking ownership by tree, not by port.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcessEntry {
  pid: number;
  ppid: number;
  command: string;
}

function processTable(): ProcessEntry[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'command='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map(([, pid, ppid, command]) => ({ pid: Number(pid), ppid: Number(ppid), command: command ?? '' }))
    .filter((entry) => !entry.command.startsWith('ps -A -o'));
}

/** Every process below `pid` in the tree, now. */
export function descendantsOf(pid: number): ProcessEntry[] {
  const table = processTable();
  const found: ProcessEntry[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop();
    for (const entry of table.filter((candidate) => candidate.ppid === parent)) {
      found.push(entry);
      parents.push(entry.pid);
    }
  }
  return found;
}

/** Which of these processes still run (zombies excluded: they are gone but for their exit status). */
export function stillRunning(pids: readonly number[]): ProcessEntry[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'stat='], { encoding: 'utf8' });
  const alive = new Set(
    out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, stat]) => stat !== undefined && !stat.startsWith('Z'))
      .map(([pid]) => Number(pid)),
  );
  const table = new Map(processTable().map((entry) => [entry.pid, entry]));
  return pids.filter((pid) => alive.has(pid)).map((pid) => table.get(pid) ?? { pid, ppid: 0, command: '?' });
}

/** Resolves to the processes still running after `timeoutMs` (empty when every one has gone). */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<ProcessEntry[]> {
  const deadline = Date.now() + timeoutMs;
  let left = stillRunning(pids);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = stillRunning(pids);
  }
  return left;
}
