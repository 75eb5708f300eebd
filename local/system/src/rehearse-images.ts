// The deploy workflow's `images` job against the running local system, as .github/workflows/
// deploy.yml writes it: GitHub OIDC → `deploy` → chained to the CDK image-publishing role (its
// trust policy checked by the STS front, `deploy`'s own sts:AssumeRole by the gate), the ECR
// login password, a login (`crane auth login`: no container engine needed), an image built by
// appending a layer, and the push to keyless/<image>; a tag that already exists is left as it is,
// as the workflow does. Then what must not work: a pull-request run asking for a login. Then the
// pull side: each image's pull role (ECS task execution role, EKS node role), with credentials
// from its agent's endpoint, pulls its own image and is refused every other.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type Credentials as StsCredentials,
} from '@aws-sdk/client-sts';
import { IMAGE_NAMES, imageRepositoryName, type ImageName } from '@keyless/iam-model';
import { CRANE, craneClient, ensureRegistryTool, type CraneClient } from '@keyless/image-registry';
import type { LocalEcrDescription } from './start-local-ecr.ts';
import type { SystemDescription } from './start-system.ts';
import { trustLocalCa } from './trust-local-ca.ts';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** STS's answer as the SDK's credentials; an answer without them is STS failing, not a refusal. */
function sessionCredentials(c: StsCredentials | undefined, role: string): Credentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`STS answered ${role} without credentials`);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

export interface ImageStep {
  title: string;
  expect: 'allowed' | 'denied';
  outcome: 'allowed' | 'denied';
  /** The digest, the session, or the refusal as the client printed it. */
  detail: string;
}

async function idToken(system: SystemDescription, run: Record<string, string>): Promise<string> {
  const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token } = system.identity.github;
  const query = new URLSearchParams({ audience: 'sts.amazonaws.com', ...run });
  const response = await fetch(`${url}?${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`the runner refused the ID token request: HTTP ${response.status}`);
  return ((await response.json()) as { value: string }).value;
}

/** configure-aws-credentials: an unsigned AssumeRoleWithWebIdentity at STS. */
async function webIdentitySession(system: SystemDescription, role: 'deploy' | 'diff', token: string) {
  const sts = new STSClient({ region: system.region, endpoint: system.identity.stsEndpoint, maxAttempts: 1 });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: system.resources.roles[role],
        RoleSessionName: `images-${role}`,
        WebIdentityToken: token,
      }),
    );
    return sessionCredentials(c, role);
  } finally {
    sts.destroy();
  }
}

/** configure-aws-credentials with `role-chaining: true`: a signed AssumeRole, through the gate. */
async function chain(system: SystemDescription, from: Credentials, roleArn: string): Promise<Credentials> {
  const sts = new STSClient({
    region: system.region,
    endpoint: system.identity.gateTlsEndpoint,
    credentials: from,
    maxAttempts: 1,
  });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'images' }),
    );
    return sessionCredentials(c, roleArn);
  } finally {
    sts.destroy();
  }
}

/** `aws ecr get-login-password`: GetAuthorizationToken, the part of the token after `AWS:`. */
async function loginPassword(system: SystemDescription, credentials: Credentials): Promise<string> {
  const ecr = new ECRClient({
    region: system.region,
    endpoint: system.identity.gateTlsEndpoint,
    credentials,
    maxAttempts: 1,
  });
  try {
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const token = Buffer.from(authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString('utf8');
    return token.slice(token.indexOf(':') + 1);
  } finally {
    ecr.destroy();
  }
}

/** A pull role's credentials, from its agent's endpoint: the ECS credentials endpoint or IMDSv2. */
async function pullerCredentials(registry: LocalEcrDescription, image: ImageName): Promise<Credentials> {
  const puller = registry.pullers[image];
  let body: { AccessKeyId: string; SecretAccessKey: string; Token: string };
  if ('AWS_CONTAINER_CREDENTIALS_FULL_URI' in puller) {
    const response = await fetch(puller.AWS_CONTAINER_CREDENTIALS_FULL_URI, {
      headers: { authorization: puller.AWS_CONTAINER_AUTHORIZATION_TOKEN },
    });
    body = (await response.json()) as typeof body;
  } else {
    const base = puller.AWS_EC2_METADATA_SERVICE_ENDPOINT.replace(/\/$/, '');
    const token = await (
      await fetch(`${base}/latest/api/token`, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '300' },
      })
    ).text();
    const headers = { 'x-aws-ec2-metadata-token': token };
    const path = `${base}/latest/meta-data/iam/security-credentials/`;
    const role = (await (await fetch(path, { headers })).text()).trim();
    body = (await (await fetch(`${path}${role}`, { headers })).json()) as typeof body;
  }
  return { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.Token };
}

/** The workflow tags with $GITHUB_SHA: the checkout's commit here. */
function gitCommit(): Promise<string> {
  return new Promise((resolve) =>
    execFile('git', ['rev-parse', 'HEAD'], (error, stdout) => resolve(error ? 'local' : stdout.trim())),
  );
}

/** "Build": the image is one layer appended to an empty base, naming the image and the commit. */
async function buildLayer(directory: string, image: ImageName, commit: string): Promise<string> {
  await writeFile(
    join(directory, `${image}.txt`),
    `keyless ${image} at ${commit}, built by npm run rehearse:deploy\n`,
  );
  const tar = join(directory, `${image}.tar`);
  await new Promise<void>((resolve, reject) =>
    execFile('tar', ['-cf', tar, '-C', directory, `${image}.txt`], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return tar;
}

/** crane's last line, from the registry's error code on (`DENIED: User: … is not authorized …`). */
const registryRefusal = (stderr: string) => {
  const last = stderr.split('\n').at(-1) ?? '';
  return last.slice(Math.max(0, last.search(/[A-Z_]+: /)));
};

const refusalOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export interface ImagesRehearsal {
  steps: ImageStep[];
  /** keyless/<image> → the digest pushed (or found) under the commit's tag. */
  digests: Partial<Record<ImageName, string>>;
}

export async function rehearseImages(
  system: SystemDescription,
  options: { tag?: string } = {},
): Promise<ImagesRehearsal> {
  const registry = system.identity.imageRegistry;
  if (!registry) {
    const reason = 'the running system has no local ECR: building its registry needs Go ≥ 1.26 (root README)';
    return {
      steps: [{ title: 'images job', expect: 'allowed', outcome: 'denied', detail: reason }],
      digests: {},
    };
  }
  const { host } = registry;
  // The gate's HTTPS endpoint, as the workflow's AWS CLI reaches ECR over TLS.
  trustLocalCa(system.identity.caFile);
  const tag = options.tag ?? (await gitCommit());
  const binary = ensureRegistryTool(CRANE);
  const clients: CraneClient[] = [];
  const loggedIn = async (password: string) => {
    const client = await craneClient({ binary, caFile: system.identity.caFile });
    clients.push(client);
    const login = await client.login(host, password);
    if (!login.ok) throw new Error(`crane auth login failed: ${login.stderr}`);
    return client;
  };
  const workDir = await mkdtemp(join(tmpdir(), 'keyless-images-'));
  const steps: ImageStep[] = [];
  const digests: ImagesRehearsal['digests'] = {};
  const step = (title: string, expect: ImageStep['expect'], outcome: ImageStep['outcome'], detail: string) =>
    steps.push({ title, expect, outcome, detail });
  try {
    // The images job: push to main, environment production.
    const deploy = await webIdentitySession(
      system,
      'deploy',
      await idToken(system, { event: 'push', environment: 'production' }),
    );
    const publisher = await chain(system, deploy, registry.roles.publisher);
    const pusher = await loggedIn(await loginPassword(system, publisher));
    for (const image of IMAGE_NAMES) {
      const ref = `${host}/${imageRepositoryName(image)}:${tag}`;
      const existing = await pusher.digest(ref);
      if (existing.ok) {
        digests[image] = existing.stdout;
        step(`images job: ${ref} already exists (tags are immutable)`, 'allowed', 'allowed', existing.stdout);
        continue;
      }
      const pushed = await pusher.pushLayer(await buildLayer(workDir, image, tag), ref);
      digests[image] = pushed.stdout.split('@')[1] ?? '';
      step(
        `images job: push ${ref} as the image-publishing role`,
        'allowed',
        pushed.ok ? 'allowed' : 'denied',
        pushed.ok ? (digests[image] ?? '') : registryRefusal(pushed.stderr),
      );
    }

    // A pull-request run: the diff role, which has no registry login.
    const diff = await webIdentitySession(system, 'diff', await idToken(system, { event: 'pull_request' }));
    await loginPassword(system, diff).then(
      () =>
        step(
          'pull request: ecr get-login-password as diff',
          'denied',
          'allowed',
          'a login password was issued',
        ),
      (error: unknown) =>
        step('pull request: ecr get-login-password as diff', 'denied', 'denied', refusalOf(error)),
    );
    // deploy itself: it must chain; its own login is refused.
    await loginPassword(system, deploy).then(
      () =>
        step(
          'deploy without chaining: ecr get-login-password',
          'denied',
          'allowed',
          'a login password was issued',
        ),
      (error: unknown) =>
        step('deploy without chaining: ecr get-login-password', 'denied', 'denied', refusalOf(error)),
    );

    // The pull side: each pull role, its own image and every other.
    for (const image of IMAGE_NAMES) {
      const puller = await loggedIn(await loginPassword(system, await pullerCredentials(registry, image)));
      for (const other of IMAGE_NAMES) {
        const ref = `${host}/${imageRepositoryName(other)}:${tag}`;
        const pulled = await puller.digest(ref);
        const same = pulled.ok && pulled.stdout === digests[other];
        step(
          `pull ${imageRepositoryName(other)} as ${image}'s pull role`,
          other === image ? 'allowed' : 'denied',
          same ? 'allowed' : 'denied',
          pulled.ok ? pulled.stdout : registryRefusal(pulled.stderr),
        );
      }
    }
    return { steps, digests };
  } finally {
    for (const client of clients) await client.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

export function describeImageStep({ title, expect, outcome, detail }: ImageStep): string {
  return `${outcome === expect ? 'ok ' : 'UNEXPECTED'} ${title}: ${outcome}\n     ${detail}`;
}
