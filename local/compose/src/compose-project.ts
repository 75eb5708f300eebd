// Loads a compose file exactly as `docker compose` does, without a Docker engine: through
// compose-go, the library docker compose itself is built on, in the small Go program in
// ../validate (built with the Go module proxy into the repository's .local/bin on first use).
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
const validatorDir = resolve(import.meta.dirname, '../validate');
const validatorPath = resolve(repoRoot, '.local/bin/compose-check');

/** The parts of compose-go's resolved model the checks read; everything else is left untyped. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string | null> };
  profiles?: string[];
  user?: string;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  sysctls?: Record<string, string>;
  ports?: { host_ip?: string; target: number; published?: string }[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  depends_on?: Record<string, { condition: string; required: boolean }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

export interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
  networks?: Record<
    string,
    { ipam?: { config?: { subnet?: string; ip_range?: string; gateway?: string }[] } }
  >;
  volumes?: Record<string, { driver_opts?: Record<string, string> }>;
  configs?: Record<string, { file?: string }>;
}

export interface LoadOptions {
  /** Default: docker-compose.yml at the repository root. */
  file?: string;
  /** As `docker compose --profile`. */
  profiles?: readonly string[];
  /** The whole environment compose sees besides its .env file; nothing is inherited. */
  env?: Readonly<Record<string, string>>;
}

/** Compiles the validator (Go's build cache makes a repeat build cheap) and returns its path. */
export function buildComposeCheck(): string {
  // Built beside, then renamed over: a run that starts meanwhile never executes half a binary.
  const building = `${validatorPath}.${process.pid}`;
  const build = spawnSync('go', ['build', '-o', building, '.'], { cwd: validatorDir, encoding: 'utf8' });
  if (build.error || build.status !== 0) {
    throw new Error(
      `could not build the compose validator (needs the Go of the root README's prerequisites and the Go ` +
        `module proxy): ${build.error?.message ?? build.stderr}`,
    );
  }
  renameSync(building, validatorPath);
  return validatorPath;
}

/**
 * The resolved project, or an Error carrying compose-go's reason. Its warnings fail too: docker
 * compose only warns about an unset variable and goes on with an empty string.
 */
export function loadComposeProject(options: LoadOptions = {}): ComposeProject {
  const args = [...(options.profiles ?? []).flatMap((profile) => ['-profile', profile])];
  args.push(options.file ?? resolve(repoRoot, 'docker-compose.yml'));
  const run = spawnSync(validatorPath, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...options.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0 || run.stderr.trim()) throw new Error(run.stderr.trim());
  return JSON.parse(run.stdout) as ComposeProject;
}
