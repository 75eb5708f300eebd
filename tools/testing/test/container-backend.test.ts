// The container backend's choices, without a container engine: containers only when asked, the
// images docker compose would use (the locally built ones when selected), and the reaper that
// removes what a test file started when Ryuk is off. The backend itself runs in CI, on a real
// engine: the test-containers targets of ledger-worker and usage-reporter.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { removeOwnedContainers, ownerLabel } from '../src/container-reaper.ts';
import { selectedImages, startTestPlatform } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyless-container-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A fake engine on a Unix socket: answers ping, lists `containers`, records what is deleted. */
async function fakeEngine(containers: { Id: string; label: string }[]) {
  const socket = join(dir, `engine-${Math.random().toString(36).slice(2)}.sock`);
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
    if (req.url === '/_ping') return res.end('OK');
    if (req.method === 'GET' && req.url?.startsWith('/containers/json')) {
      const filters = JSON.parse(new URL(req.url, 'http://x').searchParams.get('filters') ?? '{}') as {
        label: string[];
      };
      return res.end(JSON.stringify(containers.filter((c) => filters.label.includes(c.label))));
    }
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((done) => server?.listen(socket, done));
  return { dockerHost: `unix://${socket}`, requests };
}

describe('the backend', () => {
  test('is processes unless containers are asked for, even where an engine answers', async () => {
    const engine = await fakeEngine([]);
    const platform = await startTestPlatform({ env: { DOCKER_HOST: engine.dockerHost } });
    try {
      expect(platform.backend).toBe('processes');
      expect(platform.reason).toMatch(/KEYLESS_TEST_BACKEND=containers for containers/);
    } finally {
      await platform.stop();
    }
  });

  test('containers asked for with no engine answering fail at once, naming it', async () => {
    await expect(
      startTestPlatform({
        env: { KEYLESS_TEST_BACKEND: 'containers', DOCKER_HOST: `unix://${join(dir, 'absent.sock')}` },
      }),
    ).rejects.toThrow(/KEYLESS_TEST_BACKEND=containers, but no container engine answering/);
  });
});

describe('the images', () => {
  const dotEnv = join(dir, '.env');
  const localImages = join(dir, 'container-images.env');
  writeFileSync(
    dotEnv,
    'MOTO_IMAGE=motoserver/moto:5.2.5\nPOSTGRES_IMAGE=postgres:18.5-alpine\nLOCALSTACK_IMAGE=localstack/localstack:1\nNODE_IMAGE=node:24.21.0-bookworm-slim\n',
  );

  test(".env's when no locally built images are selected", () => {
    const images = selectedImages({}, { dotEnv, localImages });
    expect(images).toMatchObject({ MOTO_IMAGE: 'motoserver/moto:5.2.5', source: '.env' });
  });

  test('the locally built ones when their file exists (build-images.sh writes it without a registry), unless official', () => {
    writeFileSync(
      localImages,
      'KEYLESS_IMAGES=local\nMOTO_IMAGE=keyless-local/moto:5.2.5\nPOSTGRES_IMAGE=keyless-local/postgres:18.4-bookworm\n',
    );
    expect(selectedImages({}, { dotEnv, localImages })).toMatchObject({
      MOTO_IMAGE: 'keyless-local/moto:5.2.5',
      POSTGRES_IMAGE: 'keyless-local/postgres:18.4-bookworm',
      LOCALSTACK_IMAGE: 'localstack/localstack:1',
    });
    expect(selectedImages({ KEYLESS_IMAGES: 'official' }, { dotEnv, localImages }).MOTO_IMAGE).toBe(
      'motoserver/moto:5.2.5',
    );
    // As in docker compose, the environment wins over both files.
    expect(selectedImages({ MOTO_IMAGE: 'mine:1' }, { dotEnv, localImages }).MOTO_IMAGE).toBe('mine:1');
    rmSync(localImages);
  });

  test('KEYLESS_IMAGES=local without the file says what to run', () => {
    expect(() => selectedImages({ KEYLESS_IMAGES: 'local' }, { dotEnv, localImages })).toThrow(
      /build-images\.sh/,
    );
  });
});

describe('the reaper (Ryuk is off)', () => {
  test("removes, with their volumes, the containers labelled with its owner's id and no other", async () => {
    const engine = await fakeEngine([
      { Id: 'mine', label: `${ownerLabel}=owner-1` },
      { Id: 'theirs', label: `${ownerLabel}=owner-2` },
    ]);
    expect(await removeOwnedContainers('owner-1', engine.dockerHost)).toBe(1);
    expect(engine.requests.filter((line) => line.startsWith('DELETE'))).toEqual([
      'DELETE /containers/mine?force=1&v=1',
    ]);
  });
});
