// docker compose runs the identity plane in one container and each service in its own. A service's
// environment is fixed in docker-compose.yml before the plane starts, so its ECS task is registered
// under a fixed credentials id, and the task's token goes into a file on a volume that only that
// service's container mounts. The SDK reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at every
// refresh, so the new token of a restarted plane is picked up.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { port } from '@keyless/config';
import { ROLE_NAMES } from '@keyless/iam-model';
import type { EcsCredentialsEndpoint } from '@keyless/identity-plane';
import { repoRoot } from '@keyless/local-platform';
import * as z from 'zod';

/** `<name>=<role>,…` as docker-compose.yml writes it: each name once, each role one the model defines. */
function namesWithRoles(expected: string, listedTwice: string) {
  return z
    .string()
    .transform((value) => value.split(',').map((item) => item.trim()))
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^[\w-]{1,64}=[\w-]+$/, expected)
            .transform((item) => {
              const [name = '', role = ''] = item.split('=');
              return { name, role };
            })
            .pipe(z.object({ name: z.string(), role: z.enum(ROLE_NAMES) })),
        )
        .min(1)
        .refine((items) => new Set(items.map((item) => item.name)).size === items.length, {
          message: listedTwice,
        }),
    );
}

const composeTaskList = namesWithRoles(
  'expected <credentials id>=<role>, comma-separated, e.g. api-1=api',
  'a credentials id is listed twice',
).transform((tasks) => tasks.map(({ name, role }) => ({ credentialsId: name, role })));

export type ComposeTask = z.output<typeof composeTaskList>[number];

const composeFunctionList = namesWithRoles(
  'expected <function name>=<execution role>, comma-separated, e.g. upload-processor=upload-processor',
  'a function is listed twice',
).transform((functions) => functions.map(({ name, role }) => ({ functionName: name, role })));

export type ComposeFunction = z.output<typeof composeFunctionList>[number];

/** The settings `npm start` leaves at their defaults and docker-compose.yml sets. */
export const composeEnv = z.object({
  /** Where the STS front and the ECS credentials endpoint listen; 0.0.0.0 in a container. */
  KEYLESS_BIND_HOST: z.string().min(1).default('127.0.0.1'),
  /** The host other containers reach them at, written into the URLs handed out (169.254.170.2). */
  KEYLESS_ADVERTISED_HOST: z.string().min(1).optional(),
  /** Fixed ports instead of free ones, so that a compose file can name them. */
  KEYLESS_STS_PORT: z.optional(port),
  KEYLESS_GATE_PORT: z.optional(port),
  KEYLESS_GATE_TLS_PORT: z.optional(port),
  KEYLESS_ECS_CREDENTIALS_PORT: z.optional(port),
  /** The ledger's RDS-Proxy-like front (local/rds-proxy). */
  KEYLESS_LEDGER_PROXY_PORT: z.optional(port),
  /** ECS tasks to register under fixed credentials ids: `<id>=<role>,…`, e.g. `api-1=api`. */
  KEYLESS_COMPOSE_TASKS: composeTaskList.optional(),
  /** The ALB as the containers reach it (`http://alb:8080`), written into the platform file for `npm run demo`. */
  KEYLESS_ALB_URL: z.url().optional(),
  /** Where each of those tasks' token is written: `<dir>/<credentials id>/token`. */
  KEYLESS_COMPOSE_TASKS_DIR: z
    .string()
    .min(1)
    .default(join(repoRoot, '.local', 'compose-tasks')),
  /**
   * Lambda functions run in a container of their own (the local Lambda runtime) whose execution
   * role this container vends: `<function name>=<role>,…`, e.g. `upload-processor=upload-processor`.
   * Served by the function credentials endpoint (function-credentials-endpoint.ts).
   */
  KEYLESS_COMPOSE_FUNCTIONS: composeFunctionList.optional(),
  /** Where each of those functions' token is written: `<dir>/<function name>/token`. */
  KEYLESS_COMPOSE_FUNCTIONS_DIR: z
    .string()
    .min(1)
    .default(join(repoRoot, '.local', 'compose-functions')),
  /** The function credentials endpoint's port; a free one when unset. */
  KEYLESS_FUNCTION_CREDENTIALS_PORT: z.optional(port),
});

/** `url` with its host replaced by the advertised one, when there is one. */
export function advertisedUrl(url: string, host: string | undefined): string {
  if (!host) return url;
  const advertised = new URL(url);
  advertised.hostname = host;
  return advertised.origin;
}

/**
 * Registers each task with its role (a role that does not trust ecs-tasks fails here, as ECS fails
 * to start the task) and writes its token; returns what stops them again.
 */
export async function registerComposeTasks(
  ecs: EcsCredentialsEndpoint,
  tasks: readonly ComposeTask[],
  { directory, roles }: { directory: string; roles: Readonly<Record<string, string>> },
): Promise<() => Promise<void>> {
  const registered: { deregister(): void; tokenFile: string }[] = [];
  const stop = async () => {
    for (const task of registered) {
      task.deregister();
      await rm(task.tokenFile, { force: true });
    }
  };
  try {
    for (const { credentialsId, role } of tasks) {
      const roleArn = roles[role];
      if (!roleArn) throw new Error(`compose task ${credentialsId}: no role ${role} was bootstrapped`);
      const task = await ecs.registerTask({ roleArn, family: role, credentialsId });
      const tokenFile = join(directory, credentialsId, 'token');
      registered.push({ deregister: task.deregister, tokenFile });
      await writeAtomically(tokenFile, task.environment.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/** Renamed into place, so a reader sees the old token or the new one, never part of one. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
