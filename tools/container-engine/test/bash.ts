// Runs the scripts' bash functions from the tests: each call sources the named library files.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const projectDir = join(import.meta.dirname, '..');
export const root = join(projectDir, '../..');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` in bash in the project's directory, with `args` as "$@"; never throws on exit codes. */
export function bash(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    // stdin from /dev/null: on a socket (Node's default pipes), bash takes itself for rshd's and
    // reads ~/.bashrc.
    const child = spawn('bash', ['-c', script, 'test', ...args], {
      cwd: projectDir,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Calls `fn "$@"` after sourcing `libs` (paths relative to the project). */
export async function call(libs: string[], fn: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const sources = libs.map((lib) => `source ${lib};`).join(' ');
  return bash(`set -euo pipefail; ${sources} ${fn} "$@"`, args, env);
}
