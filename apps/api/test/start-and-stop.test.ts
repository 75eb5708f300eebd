// The api as a process of @keyless/service: how it fails to start, and how a stop ends — a request
// still in flight is cut within the stop's share of STOP_TIMEOUT_SECONDS and the process exits 0;
// a stop that runs past STOP_TIMEOUT_SECONDS exits 1. The `stopped` line carries the exit code.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { apiEnvironment } from './support/api-cluster.ts';
import { ExitedDuringStartup, startApiInstance, type ApiInstance } from './support/api-instance.ts';
import { directory, signIn } from './support/directory.ts';
import { waitFor } from './support/wait-for.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  /** Accepts connections and never answers on them: a dependency that hangs. */
  async function startBlackHole() {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    let accepted = 0;
    server.on('connection', () => (accepted += 1));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      accepted: () => accepted,
      async stop() {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }
  type BlackHole = Awaited<ReturnType<typeof startBlackHole>>;

  let accessToken: string;
  beforeAll(async () => {
    ({ accessToken } = await signIn(directory().users.demo));
  });

  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((step) => step()));
  });

  async function started(env: Record<string, string>): Promise<ApiInstance> {
    const api = await startApiInstance(apiEnvironment(directory().awsEndpoint, env));
    cleanup.push(() => api.stop('SIGKILL'));
    return api;
  }

  /** An api whose dependency at `variable` hangs, with no drain delay and the given STOP_TIMEOUT_SECONDS. */
  async function apiWithHangingDependency(
    variable: string,
    stopTimeoutSeconds: number,
  ): Promise<{ api: ApiInstance; hole: BlackHole }> {
    const hole = await startBlackHole();
    cleanup.push(() => hole.stop());
    const api = await started({
      [variable]: hole.url,
      DRAIN_DELAY_SECONDS: '0',
      STOP_TIMEOUT_SECONDS: String(stopTimeoutSeconds),
    });
    return { api, hole };
  }

  const messagesOf = (api: ApiInstance) => api.lines.map((line) => line.msg);
  const stoppedLine = (api: ApiInstance) => api.lines.find((line) => line.msg === 'stopped');

  test('a port in use is a failed start: exit 1, with the reason', async () => {
    const taken = createServer();
    taken.listen(0);
    await once(taken, 'listening');
    cleanup.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = String((taken.address() as AddressInfo).port);

    const failure = await startApiInstance(apiEnvironment(directory().awsEndpoint, { PORT: port })).then(
      (api) => {
        cleanup.push(() => api.stop('SIGKILL'));
        return new Error('started');
      },
      (error: Error) => error,
    );

    expect(failure).toBeInstanceOf(ExitedDuringStartup);
    const { exitCode, lines } = failure as ExitedDuringStartup;
    expect(exitCode).toBe(1);
    expect(lines.find((line) => line.msg === 'start failed')?.err).toMatchObject({ code: 'EADDRINUSE' });
    expect(lines.map((line) => line.msg)).not.toContain('listening');
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', exitCode: 1 });
  });

  test('a request in flight when the stop runs out is cut, and the api exits 0 before STOP_TIMEOUT_SECONDS', async () => {
    // DynamoDB never answers: GET /v1/uploads waits on it far longer than the stop may take.
    const { api, hole: dynamodb } = await apiWithHangingDependency('AWS_ENDPOINT_URL', 5);
    const inFlight = fetch(`${api.url}/v1/uploads`, {
      headers: { authorization: `Bearer ${accessToken}` },
    }).then(
      (response) => response.status,
      (error: Error) => String(error.cause ?? error),
    );
    await waitFor('the request to reach DynamoDB', () => dynamodb.accepted() > 0);

    const exitCode = await api.stop('SIGTERM');

    expect(exitCode).toBe(0);
    // Cut at the deadline the api was given (STOP_TIMEOUT_SECONDS less 2 s), not answered.
    expect(await inFlight).toMatch(/SocketError|other side closed|ECONNRESET/);
    expect(api.lines.find((line) => line.msg === 'drained: no connections left')?.cutConnections).toBe(1);
    expect(messagesOf(api)).not.toContain('not stopped within STOP_TIMEOUT_SECONDS');
    expect(stoppedLine(api)).toMatchObject({ exitCode: 0 });
  });

  test('a stop that runs past STOP_TIMEOUT_SECONDS exits 1: here the trace collector never answers', async () => {
    const { api, hole: collector } = await apiWithHangingDependency('OTEL_EXPORTER_OTLP_ENDPOINT', 3);
    // A traced request, so that there are spans to export when the api stops.
    const response = await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);

    const exitCode = await api.stop('SIGTERM');

    expect(exitCode).toBe(1);
    expect(messagesOf(api)).toEqual(
      expect.arrayContaining([
        'stopping',
        'drained: no connections left',
        'not stopped within STOP_TIMEOUT_SECONDS',
        'stopped',
      ]),
    );
    expect(collector.accepted()).toBeGreaterThan(0);
    expect(stoppedLine(api)).toMatchObject({ exitCode: 1 });
  });
});
