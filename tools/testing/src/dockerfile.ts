// Static checks of the services' Dockerfiles, for test suites that run where no container engine
// does: a Dockerfile parsed into instructions, and the workspace packages an app needs at run time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ParsedDockerfile {
  text: string;
  /** One entry per instruction, continuation lines joined, comments and blank lines left out. */
  instructions: string[];
  /** The instructions of the last stage, its FROM included: what the image runs. */
  runtimeStage: string[];
  /** The runtime stage's CMD, exec form. */
  command: string[];
}

export function parseDockerfile(path: string): ParsedDockerfile {
  const text = readFileSync(path, 'utf8');
  const instructions = text
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'));
  const runtimeStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
  const cmd = runtimeStage.find((line) => line.startsWith('CMD '));
  return { text, instructions, runtimeStage, command: cmd ? (JSON.parse(cmd.slice(4)) as string[]) : [] };
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

export const readManifest = (root: string, dir: string): Manifest =>
  JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;

/**
 * The directories (`libs/aws`, ...) of the @keyless packages `appDir` depends on at run time,
 * followed through their own dependencies, sorted.
 */
export function workspaceClosure(root: string, appDir: string): string[] {
  const dirs = new Map<string, string>();
  for (const group of ['apps', 'libs', 'local', 'tools', 'infra']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const dir = `${group}/${entry.name}`;
      if (entry.isDirectory() && existsSync(join(root, dir, 'package.json')))
        dirs.set(readManifest(root, dir).name, dir);
    }
  }
  const needed = new Set<string>();
  const visit = (dir: string) => {
    const names = Object.keys(readManifest(root, dir).dependencies ?? {});
    for (const name of names.filter((n) => n.startsWith('@keyless/'))) {
      const depDir = dirs.get(name);
      if (!depDir) throw new Error(`no workspace named ${name}`);
      if (!needed.has(depDir)) {
        needed.add(depDir);
        visit(depDir);
      }
    }
  };
  visit(appDir);
  return [...needed].sort();
}
