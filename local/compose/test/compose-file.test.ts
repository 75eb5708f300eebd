// docker-compose.yml, checked without a Docker engine: loaded by compose-go (what docker compose
// runs on) against the Compose Specification schema, then held to the project's own rules.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadComposeProject, type ComposeProject, type ComposeService } from '../src/index.ts';
import { repoRoot } from '../src/compose-project.ts';

const profiles = ['localstack', 'observability', 'jobs'] as const;
const tokenEnv = { LOCALSTACK_AUTH_TOKEN: 'ls-test-token' };
let all: ComposeProject;

beforeAll(() => {
  all = loadComposeProject({ profiles, env: tokenEnv });
});

const dotEnv = Object.fromEntries(
  readFileSync(resolve(repoRoot, '.env'), 'utf8')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

const services = () => Object.entries(all.services);
const service = (name: string): ComposeService => {
  const found = all.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
const env = (name: string) => service(name).environment ?? {};
const isOneShot = (name: string) =>
  ['migrations', 'usage-reporter', 'usage-reporter-default-sa'].includes(name);

describe('the Compose Specification', () => {
  test.each([
    [
      [],
      [
        'alb',
        'api-1',
        'api-2',
        'aws',
        'identity',
        'ledger-worker',
        'migrations',
        'postgres',
        'upload-processor',
      ],
    ],
    [['jobs'], ['usage-reporter', 'usage-reporter-default-sa']],
    [['observability'], ['collector', 'jaeger']],
    [['localstack'], ['localstack']],
  ])('with profiles %j the file validates and adds %j', (active, added) => {
    const base = Object.keys(loadComposeProject({ env: {} }).services);
    const project = loadComposeProject({ profiles: active, env: tokenEnv });
    const expected = active.length ? [...base, ...added] : added;
    expect(Object.keys(project.services).sort()).toEqual(expected.sort());
  });

  test('the default services need no account, token or variable beyond .env', () => {
    const project = loadComposeProject({ env: {} });
    expect(Object.values(project.services).map((s) => s.image)).not.toContain(dotEnv.LOCALSTACK_IMAGE);
  });

  describe('and the validator refuses what docker compose refuses', () => {
    let scratch: string;
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'compose-mutated-'));
      writeFileSync(join(scratch, '.env'), readFileSync(resolve(repoRoot, '.env')));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    /** The repository's file with one edit, loaded from a scratch directory. */
    const mutated = (edit: (text: string) => string) => {
      const original = readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8');
      const changed = edit(original);
      expect(changed).not.toBe(original);
      writeFileSync(join(scratch, 'docker-compose.yml'), changed);
      return () => loadComposeProject({ file: join(scratch, 'docker-compose.yml'), env: {} });
    };

    test('a misspelt key', () => {
      const load = mutated((text) => text.replace('start_interval: 1s', 'start_intervall: 1s'));
      expect(load).toThrow(/healthcheck additional properties 'start_intervall' not allowed/);
    });

    test('a dependency on a service that does not exist', () => {
      const load = mutated((text) => text.replace('migrations: { condition', 'migration: { condition'));
      expect(load).toThrow(/depends on undefined service "?migration"?/);
    });

    test('an unset variable (docker compose would only warn, and use an empty string)', () => {
      const load = mutated((text) => text.replace('${NODE_IMAGE}', '${NODE_IMAGES}'));
      expect(load).toThrow(/"NODE_IMAGES" variable is not set/);
    });

    test('a required variable that is not set, in any service, whatever the profile', () => {
      const load = mutated((text) =>
        text.replace('${LOCALSTACK_AUTH_TOKEN:-}', '${LOCALSTACK_AUTH_TOKEN:?needed}'),
      );
      expect(load).toThrow(/required variable LOCALSTACK_AUTH_TOKEN is missing a value: needed/);
    });
  });
});

describe('images', () => {
  test('each is built from this repository or pinned in .env', () => {
    for (const [name, s] of services()) {
      if (s.build) {
        expect(s.build.context, name).toBe(repoRoot);
        expect(existsSync(resolve(repoRoot, s.build.dockerfile)), `${name}: ${s.build.dockerfile}`).toBe(
          true,
        );
        expect(s.build.args?.NODE_IMAGE, name).toBe(dotEnv.NODE_IMAGE);
        expect(s.image, name).toMatch(/^keyless-[\w-]+:local$/);
      } else {
        expect(Object.values(dotEnv), name).toContain(s.image);
      }
    }
  });

  test('.env pins every image to a version (or a digest), never a moving tag', () => {
    const images = Object.entries(dotEnv).filter(([key]) => key.endsWith('_IMAGE'));
    expect(images.map(([key]) => key)).toEqual(
      expect.arrayContaining(['MOTO_IMAGE', 'POSTGRES_IMAGE', 'LOCALSTACK_IMAGE', 'NODE_IMAGE']),
    );
    for (const [key, image] of images) {
      expect(image, key).toMatch(/^[a-z0-9./-]+(:\d+(\.\d+)+[\w.-]*)?(@sha256:[0-9a-f]{64})?$/);
      expect(image, key).toMatch(/:\d|@sha256:/);
    }
  });

  test('the moto image is the moto version `npm start` installs', () => {
    const lock = readFileSync(resolve(repoRoot, 'local/platform/requirements.lock'), 'utf8');
    const installed = /^moto==([\d.]+)/m.exec(lock)?.[1];
    expect(dotEnv.MOTO_IMAGE).toBe(`motoserver/moto:${installed}`);
  });

  test('a Dockerfile built without compose starts from the same Node.js image', () => {
    for (const [name, s] of services()) {
      if (!s.build) continue;
      const dockerfile = readFileSync(resolve(repoRoot, s.build.dockerfile), 'utf8');
      expect(/^ARG NODE_IMAGE=(.+)$/m.exec(dockerfile)?.[1], name).toBe(dotEnv.NODE_IMAGE);
    }
  });
});

describe('health and start order', () => {
  // Services that run for good and cannot be probed, with the reason.
  const unprobed: Record<string, RegExp> = { collector: /FROM scratch/ };

  test('every long-running service has a health check', () => {
    const composeFile = readFileSync(resolve(repoRoot, 'docker-compose.yml'), 'utf8');
    for (const [name, s] of services()) {
      if (isOneShot(name)) {
        expect(s.healthcheck, name).toBeUndefined();
      } else if (unprobed[name]) {
        expect(s.healthcheck, name).toBeUndefined();
        expect(composeFile).toMatch(unprobed[name]);
      } else {
        expect(s.healthcheck?.disable, name).not.toBe(true);
        expect(s.healthcheck?.test?.[0], name).toBe('CMD');
      }
    }
  });

  test('a service starts only once what it needs is healthy, or has finished successfully', () => {
    for (const [name, s] of services()) {
      for (const [dependency, { condition, required }] of Object.entries(s.depends_on ?? {})) {
        const target = service(dependency);
        if (condition === 'service_completed_successfully') {
          expect(isOneShot(dependency), `${name} → ${dependency}`).toBe(true);
        } else {
          expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
          expect(target.healthcheck?.test, `${name} → ${dependency}`).toBeDefined();
        }
        // Only a profile's service may be absent.
        expect(required || Boolean(target.profiles?.length), `${name} → ${dependency}`).toBe(true);
      }
    }
  });
});

describe('hardening', () => {
  // LocalStack's entrypoint prepares its directories as root before it drops to its own user.
  const rootEntrypoint = ['localstack'];

  test('no service can gain privileges, and every one but LocalStack runs read-only, as a user, without capabilities', () => {
    for (const [name, s] of services()) {
      expect(s.security_opt, name).toContain('no-new-privileges:true');
      expect(
        s.tmpfs?.some((mount) => mount.split(':')[0] === '/tmp'),
        name,
      ).toBe(true);
      if (rootEntrypoint.includes(name)) continue;
      expect(s.read_only, name).toBe(true);
      expect(s.cap_drop, name).toEqual(['ALL']);
      expect(s.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    }
  });

  test('ports are published on 127.0.0.1 only', () => {
    const published = services().flatMap(([, s]) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port.host_ip).toBe('127.0.0.1');
  });

  test('no service is given an AWS key, a session or a profile', () => {
    for (const [name] of services()) {
      const names = Object.keys(env(name));
      for (const forbidden of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_PROFILE',
        'AWS_CONTAINER_AUTHORIZATION_TOKEN',
      ]) {
        expect(names, name).not.toContain(forbidden);
      }
    }
  });
});

describe('credentials reach the containers the way AWS hands them out', () => {
  const identity = () => service('identity');
  const mountOf = (s: ComposeService, path: string) =>
    s.volumes?.find((volume) => volume.type === 'volume' && path.startsWith(`${volume.target}/`));
  const mountersOf = (volume: string) =>
    services()
      .filter(([, s]) => s.volumes?.some((mount) => mount.source === volume))
      .map(([name]) => name)
      .sort();

  test('the identity container has the ECS agent address, on a network where nothing else can get it', () => {
    const [networkName, attachment] = Object.entries(identity().networks ?? {})[0] ?? [];
    expect(attachment?.ipv4_address).toBe('169.254.170.2');
    const [ipam] = all.networks?.[networkName ?? '']?.ipam?.config ?? [];
    expect(ipam).toEqual({
      subnet: '169.254.170.0/24',
      ip_range: '169.254.170.128/25',
      gateway: '169.254.170.1',
    });
    expect(env('identity').KEYLESS_ADVERTISED_HOST).toBe('169.254.170.2');
    expect(env('identity').KEYLESS_ECS_CREDENTIALS_PORT).toBe('80');
    expect(identity().sysctls?.['net.ipv4.ip_unprivileged_port_start']).toBe('0');
  });

  test('exactly the containers registered as ECS tasks use the endpoint, each with its own id', () => {
    const tasks = Object.fromEntries(
      (env('identity').KEYLESS_COMPOSE_TASKS ?? '')
        .split(',')
        .map((item) => item.split('=') as [string, string]),
    );
    const users = services().filter(([, s]) => s.environment?.AWS_CONTAINER_CREDENTIALS_FULL_URI);
    expect(users.map(([name]) => name).sort()).toEqual(Object.keys(tasks).sort());
    for (const [name, s] of users) {
      expect(s.environment?.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(
        `http://169.254.170.2/v2/credentials/${name}`,
      );
      expect(tasks[name]).toBe(name.replace(/-\d+$/, ''));
    }
  });

  test('the SDK accepts those plain-HTTP URLs, as it would no other host in the network', () => {
    // The provider checks its URL when it is created (the default chain creates it); nothing is fetched.
    for (const [, s] of services()) {
      const uri = s.environment?.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      if (uri) expect(() => fromHttp({ awsContainerCredentialsFullUri: uri })).not.toThrow();
    }
    expect(() =>
      fromHttp({ awsContainerCredentialsFullUri: 'http://identity/v2/credentials/api-1' }),
    ).toThrow(/URL not accepted/);
  });

  test("a task's token is on a volume only that container and the identity container mount", () => {
    const tasksDir = env('identity').KEYLESS_COMPOSE_TASKS_DIR;
    for (const [name, s] of services()) {
      const tokenFile = s.environment?.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
      if (!tokenFile) continue;
      const mount = mountOf(s, tokenFile);
      expect(mount?.read_only, name).toBe(true);
      expect(mountersOf(mount?.source ?? '')).toEqual(['identity', name].sort());
      const written = identity().volumes?.find((volume) => volume.source === mount?.source);
      expect(written?.target, name).toBe(`${tasksDir}/${name}`);
      expect(tokenFile.slice((mount?.target.length ?? 0) + 1)).toBe('token');
      expect(all.volumes?.[mount?.source ?? '']?.driver_opts).toMatchObject({
        type: 'tmpfs',
        o: expect.stringMatching(/uid=1000,gid=1000,mode=0700/),
      });
      expect(s.user).toBe('1000:1000');
    }
  });

  test("the Lambda function's execution role comes from the identity container, with a token on a volume only the two mount", () => {
    const functions = Object.fromEntries(
      (env('identity').KEYLESS_COMPOSE_FUNCTIONS ?? '')
        .split(',')
        .map((item) => item.split('=') as [string, string]),
    );
    expect(functions).toEqual({ 'upload-processor': 'upload-processor' });
    expect(env('identity').KEYLESS_FUNCTION_CREDENTIALS_PORT).toBe('8092');
    const runtime = service('upload-processor');
    expect(env('upload-processor').FUNCTION_CREDENTIALS_URL).toBe(
      `http://${env('identity').KEYLESS_ADVERTISED_HOST}:8092/functions/upload-processor/credentials`,
    );
    expect(env('upload-processor').FUNCTION_ROLE_ARN).toMatch(/:role\/upload-processor$/);
    const tokenFile = env('upload-processor').FUNCTION_CREDENTIALS_TOKEN_FILE ?? '';
    const mount = mountOf(runtime, tokenFile);
    expect(mount?.read_only).toBe(true);
    expect(mountersOf(mount?.source ?? '')).toEqual(['identity', 'upload-processor']);
    const written = identity().volumes?.find((volume) => volume.source === mount?.source);
    expect(written?.target).toBe(`${env('identity').KEYLESS_COMPOSE_FUNCTIONS_DIR}/upload-processor`);
    expect(tokenFile.slice((mount?.target.length ?? 0) + 1)).toBe('token');
    expect(all.volumes?.[mount?.source ?? '']?.driver_opts).toMatchObject({
      type: 'tmpfs',
      o: expect.stringMatching(/uid=1000,gid=1000,mode=0700/),
    });
    expect(runtime.user).toBe('1000:1000');
  });

  test("the reporter's projected token is on a volume only it and the identity container mount, and it federates through the gate", () => {
    const reporter = service('usage-reporter');
    const tokenFile = env('usage-reporter').AWS_WEB_IDENTITY_TOKEN_FILE ?? '';
    expect(tokenFile).toBe('/var/run/secrets/eks.amazonaws.com/serviceaccount/token');
    const mount = mountOf(reporter, tokenFile);
    expect(mount?.read_only).toBe(true);
    expect(mountersOf(mount?.source ?? '')).toEqual(['identity', 'usage-reporter']);
    const written = identity().volumes?.find((volume) => volume.source === mount?.source);
    expect(written?.target).toBe(
      `${env('identity').KEYLESS_TOKEN_DIR}/usage-reporter/eks.amazonaws.com/serviceaccount`,
    );
    expect(env('usage-reporter').AWS_ENDPOINT_URL_STS).toBe(gateOrigin());
  });

  test('the database superuser is reachable only through the socket volume, and only the tooling mounts it', () => {
    const socket = service('postgres').volumes?.find((volume) => volume.target === '/var/run/postgresql');
    expect(mountersOf(socket?.source ?? '')).toEqual(['identity', 'migrations', 'postgres']);
    for (const name of ['identity', 'migrations']) {
      const url = new URL(env(name).DATABASE_URL ?? '');
      expect(url.password, name).toBe('');
      const socketDir = url.searchParams.get('host') ?? '';
      const mount = service(name).volumes?.find((volume) => volume.target === socketDir);
      expect(mount?.source, name).toBe(socket?.source);
      expect(mount?.read_only, name).toBe(true);
    }
    expect(env('postgres').POSTGRES_INITDB_ARGS).toBe('--auth-local=trust --auth-host=scram-sha-256');
  });
});

/** The permission gate as the workloads reach it: HTTPS, at the identity container's address and its fixed TLS port. */
const gateOrigin = () =>
  `https://${env('identity').KEYLESS_ADVERTISED_HOST}:${env('identity').KEYLESS_GATE_TLS_PORT}`;

describe('every workload calls AWS through the permission gate', () => {
  /** The workloads (the Lambda function apart, below: its runtime has an endpoint of its own), and the variable naming each one's queue. */
  const workloads = ['api-1', 'api-2', 'ledger-worker', 'usage-reporter', 'usage-reporter-default-sa'];
  const queueVariables: Record<string, string> = { 'ledger-worker': 'QUEUE_URL' };
  const emulator = () => env('identity').AWS_ENDPOINT_URL ?? '';

  test('the identity container serves the gate on fixed ports, and writes its trail where it may', () => {
    expect(env('identity').KEYLESS_GATE_PORT).toBe('8091');
    expect(env('identity').KEYLESS_GATE_TLS_PORT).toBe('8093');
    expect(gateOrigin()).toBe('https://169.254.170.2:8093');
    const trailDir = env('identity').KEYLESS_TRAIL_DIR ?? '';
    expect(trailDir.startsWith('/run/keyless/')).toBe(true);
    expect(identityTmpfs()).toContain('/run/keyless:uid=1000,gid=1000,mode=0700');
  });

  test.each(workloads)('%s: its AWS and STS endpoints are the gate', (name) => {
    expect(env(name).AWS_ENDPOINT_URL).toBe(gateOrigin());
    expect(env(name).AWS_ENDPOINT_URL_STS).toBe(gateOrigin());
  });

  test.each(Object.entries(queueVariables))(
    '%s: its queue URL (%s) names the gate, not the emulator',
    (name, variable) => {
      const url = new URL(env(name)[variable] ?? '');
      expect(url.origin).toBe(gateOrigin());
      expect(url.pathname).toBe('/123456789012/ledger-events');
    },
  );

  test('the Lambda runtime (the Lambda service) works on the emulator; its function calls AWS through the gate', () => {
    expect(env('upload-processor').AWS_ENDPOINT_URL).toBe(emulator());
    expect(new URL(env('upload-processor').FAILURE_QUEUE_URL ?? '').origin).toBe(emulator());
    // The function's keys are the identity container's (its function credentials endpoint), so
    // the gate knows them: its endpoint and its queue name the gate.
    expect(env('upload-processor').FUNCTION_AWS_ENDPOINT_URL).toBe(gateOrigin());
    const queue = new URL(env('upload-processor').LEDGER_EVENTS_QUEUE_URL ?? '');
    expect(queue.origin).toBe(gateOrigin());
    expect(queue.pathname).toBe('/123456789012/ledger-events');
  });

  test('no workload names the emulator for an AWS call (the api only for its public JWKS)', () => {
    for (const name of [...workloads, 'upload-processor']) {
      const named = Object.entries(env(name))
        .filter(([, value]) => value?.startsWith(emulator()))
        .map(([variable]) => variable)
        .sort();
      const expected = name.startsWith('api-')
        ? ['COGNITO_JWKS_URI']
        : name === 'upload-processor'
          ? ['AWS_ENDPOINT_URL', 'FAILURE_QUEUE_URL']
          : [];
      expect(named, name).toEqual(expected);
    }
  });

  test('KEYLESS_AWS_ENDPOINT moves the emulator behind the gate, never a workload off it', () => {
    const localstack = loadComposeProject({
      profiles,
      env: { ...tokenEnv, KEYLESS_AWS_ENDPOINT: 'http://localstack:4566' },
    });
    const of = (name: string) => localstack.services[name]?.environment ?? {};
    expect(of('identity').AWS_ENDPOINT_URL).toBe('http://localstack:4566');
    expect(of('upload-processor').AWS_ENDPOINT_URL).toBe('http://localstack:4566');
    for (const name of workloads) expect(of(name).AWS_ENDPOINT_URL, name).toBe(gateOrigin());
    expect(of('ledger-worker').QUEUE_URL).toBe(`${gateOrigin()}/123456789012/ledger-events`);
    expect(of('upload-processor').FUNCTION_AWS_ENDPOINT_URL).toBe(gateOrigin());
    expect(of('upload-processor').LEDGER_EVENTS_QUEUE_URL).toBe(`${gateOrigin()}/123456789012/ledger-events`);
  });
});

describe('every workload trusts the local CA, from a volume identity writes and it mounts read-only', () => {
  /** Each workload and the variable its Node.js process reads the CA from (the function's, through its runtime). */
  const caVariables: Record<string, string> = {
    'api-1': 'NODE_EXTRA_CA_CERTS',
    'api-2': 'NODE_EXTRA_CA_CERTS',
    'ledger-worker': 'NODE_EXTRA_CA_CERTS',
    'usage-reporter': 'NODE_EXTRA_CA_CERTS',
    'usage-reporter-default-sa': 'NODE_EXTRA_CA_CERTS',
    'upload-processor': 'FUNCTION_NODE_EXTRA_CA_CERTS',
  };
  const caFile = () => env('identity').KEYLESS_CA_FILE ?? '';
  const caMount = (s: ComposeService) =>
    s.volumes?.find((volume) => volume.type === 'volume' && caFile().startsWith(`${volume.target}/`));

  test('identity writes the CA certificate onto a volume of its own, owned by the services user', () => {
    expect(caFile()).toBe('/run/keyless-ca/keyless-local-ca.pem');
    const mount = caMount(service('identity'));
    expect(mount?.source).toBe('local-ca');
    expect(mount?.read_only).toBeFalsy();
    expect(all.volumes?.[mount?.source ?? '']?.driver_opts).toMatchObject({
      type: 'tmpfs',
      o: expect.stringMatching(/uid=1000,gid=1000,/),
    });
  });

  test.each(Object.entries(caVariables))(
    '%s: trusts the CA identity writes (%s), mounted read-only',
    (name, variable) => {
      expect(env(name)[variable]).toBe(caFile());
      const mount = caMount(service(name));
      expect(mount?.source).toBe(caMount(service('identity'))?.source);
      expect(mount?.target).toBe(caMount(service('identity'))?.target);
      expect(mount?.read_only).toBe(true);
    },
  );

  test('exactly identity and the workloads mount the CA volume, and only identity writes it', () => {
    const mounters = services().filter(([, s]) => s.volumes?.some((volume) => volume.source === 'local-ca'));
    expect(mounters.map(([name]) => name).sort()).toEqual(['identity', ...Object.keys(caVariables)].sort());
    const writers = mounters.filter(([, s]) =>
      s.volumes?.some((v) => v.source === 'local-ca' && !v.read_only),
    );
    expect(writers.map(([name]) => name)).toEqual(['identity']);
  });

  test('a workload starts only once the CA is written: identity is healthy after its program wrote it', () => {
    // Node.js reads NODE_EXTRA_CA_CERTS once, at start. startSystem writes KEYLESS_CA_FILE before
    // it returns, and the platform file, identity's health check, is written after that.
    expect(service('identity').healthcheck?.test).toEqual([
      'CMD',
      'test',
      '-s',
      env('identity').KEYLESS_PLATFORM_FILE,
    ]);
    for (const name of Object.keys(caVariables)) {
      expect(service(name).depends_on?.identity?.condition, name).toBe('service_healthy');
    }
  });
});

const identityTmpfs = () => all.services.identity?.tmpfs ?? [];
