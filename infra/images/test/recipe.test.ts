// infra/images/Dockerfile, checked without a container engine: what can drift is held here, each of
// the four ways the first real `docker compose up --build` failed among them (issue #15). The
// build itself is the other half (the compose system's test, and `npm run bench:images`).
import { createHash, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile, readManifest, workspaceClosure } from '@keyless/testing/dockerfile';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { closure } from '../assemble.ts';

const root = join(import.meta.dirname, '../../..');
const dockerfilePath = join(root, 'infra/images/Dockerfile');
const { text, instructions } = parseDockerfile(dockerfilePath);

/** The service images and the workspaces each runs (`npm start` of the app, or the tools' programs). */
const images = {
  api: ['apps/api'],
  'ledger-worker': ['apps/ledger-worker'],
  'usage-reporter': ['apps/usage-reporter'],
  tools: ['local/system', 'local/alb', 'libs/db', 'local/compose'],
} as const;
const services = ['api', 'ledger-worker', 'usage-reporter'] as const;

/** The instructions of the stage named `name` (its FROM included), up to the next FROM. */
function stage(name: string): string[] {
  const start = instructions.findIndex((line) => new RegExp(`^FROM \\S+ AS ${name}$`).test(line));
  if (start < 0) throw new Error(`no stage ${name}`);
  const end = instructions.findIndex((line, index) => index > start && line.startsWith('FROM '));
  return instructions.slice(start, end < 0 ? undefined : end);
}

describe('the recipe', () => {
  test('every stage starts from NODE_IMAGE, pinned to an exact Node 24 by default', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    const froms = instructions.filter((line) => line.startsWith('FROM '));
    for (const from of froms) expect(from).toMatch(/^FROM (\$\{NODE_IMAGE\}|runtime) AS [\w-]+$/);
    // Each image is a target built on the one runtime stage.
    for (const image of Object.keys(images)) expect(stage(image)[0]).toBe(`FROM runtime AS ${image}`);
  });

  test('no Dockerfile names a frontend image (`# syntax=`): BuildKit would pull it from a registry', () => {
    const dockerfiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => /(^|\/)Dockerfile[^/]*$/.test(file) && !file.endsWith('.dockerignore'));
    expect(dockerfiles).toContain('infra/images/Dockerfile');
    for (const file of dockerfiles) {
      expect(readFileSync(join(root, file), 'utf8'), file).not.toMatch(/^#\s*syntax\s*=/im);
    }
  });

  test('tini is pinned to the version bookworm has, the one the CI engine installs from bookworm', () => {
    const installs = instructions.filter((line) => /apt-get install/.test(line));
    expect(installs).toHaveLength(1);
    const pinned = /\btini=(\S+)/.exec(installs[0] ?? '')?.[1];
    // tini=0.19.0-1 was never in bookworm (it is 0.19.0-1+b3): the build failed on every machine.
    const engine = readFileSync(join(root, 'tools/container-engine/versions.sh'), 'utf8');
    expect(pinned).toBe(/^\s*tini=(\S+)$/m.exec(engine)?.[1]);
    expect(pinned).toBe('0.19.0-1+b3');
    expect(stage('runtime')).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
  });

  test('nothing is fetched from the network at build time but what a lockfile pins (npm ci) and Debian packages', () => {
    // An `ADD https://…` (the RDS bundle was) is neither pinned nor possible without the internet.
    expect(instructions.filter((line) => /^ADD /.test(line))).toEqual([]);
    for (const line of instructions.filter((entry) => entry.startsWith('RUN '))) {
      expect(line).not.toMatch(/\b(curl|wget|git clone)\b|https?:\/\//);
      expect(line).not.toMatch(/\bnpm (install|i)\b/);
    }
  });

  test('runs as user 1000 by number (runAsNonRoot can be enforced), never root', () => {
    expect(stage('runtime').filter((line) => line.startsWith('USER '))).toEqual(['USER 1000:1000']);
    for (const image of Object.keys(images)) {
      expect(
        stage(image).filter((line) => line.startsWith('USER ')),
        image,
      ).toEqual([]);
      // Owned by root: the process cannot rewrite its own code.
      expect(
        stage(image).some((line) => /--chown|--chmod/.test(line)),
        image,
      ).toBe(false);
    }
  });
});

describe('each image installs the production dependencies of its closure only', () => {
  test.each(Object.entries(images))('%s', (image, roots) => {
    const build = stage(`${image}-build`);
    const install = build.find((line) => line.includes('npm ci'));
    expect(install).toBe(
      `RUN node infra/images/assemble.ts narrow ${roots.join(' ')} && ` +
        `npm ci --omit=dev ${image === 'tools' ? '--omit=optional ' : ''}--ignore-scripts --no-audit --no-fund && ` +
        `node infra/images/assemble.ts check ${roots.join(' ')}`,
    );
    expect(build).toContain(`RUN node infra/images/assemble.ts collect /app /sources ${roots.join(' ')}`);
    expect(stage(image)).toContain(`COPY --from=${image}-build /app /app`);
  });

  test.each(services)(
    "%s: assemble.ts's closure is the one the harness's workspaceClosure() computes",
    (app) => {
      expect(closure(root, [`apps/${app}`])).toEqual(
        [`apps/${app}`, ...workspaceClosure(root, `apps/${app}`)].sort(),
      );
    },
  );
});

describe('each service image runs its app as `npm start` does', () => {
  test.each(services)('%s', (app) => {
    const image = stage(app);
    expect(image).toContain(`WORKDIR /app/apps/${app}`);
    const cmd = image.find((line) => line.startsWith('CMD '));
    expect((JSON.parse(cmd?.slice(4) ?? '[]') as string[]).join(' ')).toBe(
      readManifest(root, `apps/${app}`).scripts?.start,
    );
    expect(image).toContain('STOPSIGNAL SIGTERM');
  });

  test('the long-running services have a liveness check on /healthz; the job (usage-reporter) has none', () => {
    expect(stage('api').find((line) => line.startsWith('HEALTHCHECK '))).toContain('/healthz');
    expect(stage('ledger-worker').find((line) => line.startsWith('HEALTHCHECK '))).toContain('/healthz');
    expect(stage('usage-reporter').some((line) => /^(HEALTHCHECK|EXPOSE|VOLUME) /.test(line))).toBe(false);
  });
});

describe('the RDS CA bundle', () => {
  const dir = join(import.meta.dirname, '../rds-ca');
  const bundle = readFileSync(join(dir, 'global-bundle.pem'), 'utf8');

  test('is the vendored file its checksum names, which the build checks (sha256sum --check)', () => {
    const [sum, file] = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split(/\s+/);
    expect(file).toBe('global-bundle.pem');
    expect(createHash('sha256').update(bundle).digest('hex')).toBe(sum);
    expect(stage('rds-ca')).toContain('RUN cd /rds-ca && sha256sum --check --strict SHA256SUMS');
  });

  test('holds Amazon RDS certificate authorities only', () => {
    const pems = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThan(100);
    for (const pem of pems) {
      const certificate = new X509Certificate(pem);
      expect(certificate.ca).toBe(true);
      expect(certificate.subject).toMatch(/O=Amazon Web Services\\?, Inc\.[\s\S]*OU=Amazon RDS/);
    }
  });

  test('is where DB_SSL_CA_FILE points in the CronJob, in every image', () => {
    const cronjob = readFileSync(join(root, 'infra/k8s/base/cronjob.yaml'), 'utf8');
    const path = /name: DB_SSL_CA_FILE\s+value: (\S+)/.exec(cronjob)?.[1];
    expect(stage('runtime')).toContain(`COPY --from=rds-ca /rds-ca/global-bundle.pem ${path}`);
  });
});

describe('where the images are built', () => {
  test('docker compose builds each from this recipe, by target', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { build?: { dockerfile: string; target: string } }>;
      'x-tools': { build: { dockerfile: string; target: string } };
    };
    const builds = [compose['x-tools'].build, ...Object.values(compose.services).map((s) => s.build)].filter(
      (build) => build !== undefined,
    );
    expect(builds.length).toBeGreaterThanOrEqual(4);
    for (const build of builds) {
      expect(build.dockerfile).toBe('infra/images/Dockerfile');
      expect(Object.keys(images)).toContain(build.target);
    }
  });

  test('the deploy workflow builds each service image from it, by target', () => {
    const workflow = readFileSync(join(root, '.github/workflows/deploy.yml'), 'utf8');
    expect(workflow).toContain('docker build --file infra/images/Dockerfile --target "$IMAGE"');
    const matrix = /image: \[([^\]]+)\]/
      .exec(workflow)?.[1]
      ?.split(',')
      .map((name) => name.trim());
    expect(matrix?.sort()).toEqual([...services].sort());
  });
});
