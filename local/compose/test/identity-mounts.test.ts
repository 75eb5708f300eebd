// The identity container writes token files and the platform file as user 1000 into directories
// docker makes for it. Docker creates the parents of a mountpoint that lies inside another mount
// (a volume inside the /run/keyless tmpfs) as root: the plane can write into a volume's root or
// its tmpfs, never create an entry in such a parent. That is how `identity` first exited 1 with
// `EACCES: mkdir '/run/keyless/tokens/default'` (issue #15); the file system is modelled here from
// the compose file, so the same mistake fails without an engine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadComposeProject, type ComposeProject } from '../src/index.ts';
import { repoRoot } from '../src/compose-project.ts';

const serviceUser = 1000;

/** Every file the identity container's program writes (local/system's start-system.ts, compose-tasks.ts and function-credentials-endpoint.ts, the gate's trail). */
function filesWritten(environment: Record<string, string | null>): string[] {
  const tokenDir = environment.KEYLESS_TOKEN_DIR ?? '';
  const tasksDir = environment.KEYLESS_COMPOSE_TASKS_DIR ?? '';
  const tasks = (environment.KEYLESS_COMPOSE_TASKS ?? '').split(',').map((task) => task.split('=')[0]);
  const functionsDir = environment.KEYLESS_COMPOSE_FUNCTIONS_DIR ?? '';
  const functions = (environment.KEYLESS_COMPOSE_FUNCTIONS ?? '').split(',').map((fn) => fn.split('=')[0]);
  return [
    // The projected service-account tokens: the reporter's own, and the namespace's default one.
    ...['usage-reporter', 'default'].map((account) =>
      join(tokenDir, account, 'eks.amazonaws.com', 'serviceaccount', 'token'),
    ),
    ...tasks.map((task) => join(tasksDir, task ?? '', 'token')),
    // The Lambda runtime's function tokens (function-credentials-endpoint.ts).
    ...functions.map((fn) => join(functionsDir, fn ?? '', 'token')),
    environment.KEYLESS_PLATFORM_FILE ?? '',
    // The local CloudTrail: a file a day under KEYLESS_TRAIL_DIR.
    // Unset, the program's default: .local/trail under /app, the image's (read-only).
    join(environment.KEYLESS_TRAIL_DIR ?? '/app/.local/trail', '2026-01-01.jsonl'),
    // The local CA's certificate, made at every start.
    environment.KEYLESS_CA_FILE ?? '/app/.local/keyless-local-ca.pem',
  ];
}

/**
 * The directories of `service` at start, with their owner: each mount's root (a tmpfs with its
 * uid= option, a volume with its driver's uid= option; root otherwise), and each directory docker
 * made inside a mount to hold another mount's mountpoint (root's).
 */
function directoriesAtStart(project: ComposeProject, name: string): Map<string, number> {
  const service = project.services[name];
  const uidOf = (options: string | undefined) => Number(/(?:^|,)uid=(\d+)/.exec(options ?? '')?.[1] ?? 0);
  const mounts = new Map<string, number>();
  for (const entry of service?.tmpfs ?? []) {
    const [path = '', options] = entry.split(':');
    mounts.set(path, uidOf(options));
  }
  for (const volume of service?.volumes ?? []) {
    mounts.set(volume.target, uidOf(project.volumes?.[volume.source ?? '']?.driver_opts?.o));
  }
  const directories = new Map(mounts);
  for (const target of mounts.keys()) {
    for (let parent = dirname(target); parent !== '/'; parent = dirname(parent)) {
      const inside = [...mounts.keys()].some((mount) => parent.startsWith(`${mount}/`));
      if (inside && !directories.has(parent)) directories.set(parent, 0);
    }
  }
  return directories;
}

/** The files of `service` whose directory it cannot write or create: the directory that stops it, per file. */
function unwritable(project: ComposeProject, name: string): string[] {
  const directories = directoriesAtStart(project, name);
  const problems: string[] = [];
  for (const file of filesWritten(project.services[name]?.environment ?? {})) {
    // The nearest directory that exists: the file is written there, or its missing parents are made there.
    let existing = dirname(file);
    while (!directories.has(existing) && existing !== '/') existing = dirname(existing);
    if (directories.get(existing) !== serviceUser) {
      problems.push(`${file}: ${existing} is ${existing === '/' ? "the image's" : "root's"}`);
    }
  }
  return problems;
}

const scratch = mkdtempSync(join(tmpdir(), 'compose-identity-mounts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('the identity plane runs as the services user and writes only where it may', () => {
  const project = loadComposeProject({ profiles: ['jobs'] });
  expect(project.services.identity?.user).toBe(`${serviceUser}:${serviceUser}`);
  expect(unwritable(project, 'identity')).toEqual([]);
});

test("the local CA's certificate lands on its own volume's root, which the plane may write; without the volume it could not", () => {
  const project = loadComposeProject({ profiles: ['jobs'] });
  const caFile = project.services.identity?.environment?.KEYLESS_CA_FILE ?? '';
  expect(directoriesAtStart(project, 'identity').get(dirname(caFile))).toBe(serviceUser);
  // The file without the volume: the CA's directory would be the image's, read-only.
  const original = readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8');
  const mounted = '      - local-ca:/run/keyless-ca\n';
  expect(original).toContain(mounted);
  writeFileSync(join(scratch, 'docker-compose.yml'), original.replace(mounted, ''));
  writeFileSync(join(scratch, '.env'), readFileSync(resolve(repoRoot, '.env')));
  const without = loadComposeProject({ file: join(scratch, 'docker-compose.yml') });
  expect(unwritable(without, 'identity')).toEqual([`${caFile}: / is the image's`]);
});

test("a token volume mounted where the plane makes directories is caught: the first compose file's EACCES", () => {
  // The file as it was: only the reporter's token on a volume, the default account's written beside it.
  const original = readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8');
  const mounted = '      - irsa-default:/run/keyless/tokens/default/eks.amazonaws.com/serviceaccount\n';
  expect(original).toContain(mounted);
  writeFileSync(join(scratch, 'docker-compose.yml'), original.replace(mounted, ''));
  writeFileSync(join(scratch, '.env'), readFileSync(resolve(repoRoot, '.env')));
  const before = loadComposeProject({ file: join(scratch, 'docker-compose.yml') });
  expect(unwritable(before, 'identity')).toEqual([
    "/run/keyless/tokens/default/eks.amazonaws.com/serviceaccount/token: /run/keyless/tokens is root's",
  ]);
});

test("the default service account's pod gets that account's token, from a volume only it and the plane mount", () => {
  const project = loadComposeProject({ profiles: ['jobs'] });
  const tokenDir = project.services.identity?.environment?.KEYLESS_TOKEN_DIR;
  const pod = project.services['usage-reporter-default-sa'];
  const mount = pod?.volumes?.find(
    (volume) => volume.target === '/var/run/secrets/eks.amazonaws.com/serviceaccount',
  );
  expect(mount?.read_only).toBe(true);
  const written = project.services.identity?.volumes?.find((volume) => volume.source === mount?.source);
  expect(written?.target).toBe(`${tokenDir}/default/eks.amazonaws.com/serviceaccount`);
  const mounters = Object.entries(project.services)
    .filter(([, s]) => s.volumes?.some((volume) => volume.source === mount?.source))
    .map(([name]) => name);
  expect(mounters.sort()).toEqual(['identity', 'usage-reporter-default-sa']);
});
