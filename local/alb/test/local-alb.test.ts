import { once } from 'node:events';
import { connect } from 'node:net';
import { createLogger } from '@keyless/logging';
import { afterEach, describe, expect, test } from 'vitest';
import { startLocalAlb, type LocalAlb, type LocalAlbOptions } from '../src/index.ts';
import { rawExchange, startTarget, waitFor, type TestTarget } from './support.ts';

const logger = createLogger({ service: 'local-alb-test', level: 'silent' });
const fast = { intervalMs: 100, timeoutMs: 80, healthyThreshold: 2, unhealthyThreshold: 2 };

let alb: LocalAlb | undefined;
let targets: TestTarget[] = [];

afterEach(async () => {
  await alb?.stop();
  await Promise.all(targets.map((target) => target.close()));
  alb = undefined;
  targets = [];
});

function target(i: number): TestTarget {
  const found = targets[i];
  if (!found) throw new Error(`no target ${i}`);
  return found;
}

async function start(
  count: number,
  options: Partial<LocalAlbOptions> = {},
  handler?: Parameters<typeof startTarget>[1],
) {
  targets = await Promise.all(Array.from({ length: count }, (_, i) => startTarget(`t${i}`, handler)));
  const lb = await startLocalAlb({
    targets: targets.map((t) => t.url),
    healthCheck: fast,
    logger,
    ...options,
  });
  alb = lb;
  await waitFor('all targets healthy', () => lb.targetHealth().every((t) => t.state === 'healthy'));
  return lb;
}

/** A logger whose JSON lines land in `lines`. */
const capture = (lines: Record<string, unknown>[]) =>
  createLogger({
    service: 'local-alb-test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });

const bodies = async (url: string, n: number) => {
  const seen: string[] = [];
  for (let i = 0; i < n; i += 1) seen.push(await (await fetch(url)).text());
  return seen;
};

describe('routing', () => {
  test('round-robins over the healthy targets', async () => {
    const lb = await start(2);
    const seen = await bodies(`${lb.url}/x`, 6);
    expect(seen.filter((b) => b === 't0')).toHaveLength(3);
    expect(seen.filter((b) => b === 't1')).toHaveLength(3);
    expect(seen[0]).not.toBe(seen[1]);
  });

  test('a failing target is taken out after the unhealthy threshold and put back after the healthy one', async () => {
    const lb = await start(2);
    target(0).readyStatus = 503;
    await waitFor('t0 unhealthy', () => lb.targetHealth()[0]?.state === 'unhealthy');
    expect(lb.targetHealth()[0]?.reason).toContain('ResponseCodeMismatch (503)');
    expect(await bodies(`${lb.url}/x`, 4)).toEqual(['t1', 't1', 't1', 't1']);
    target(0).readyStatus = 200;
    await waitFor('t0 healthy again', () => lb.targetHealth()[0]?.state === 'healthy');
    expect(new Set(await bodies(`${lb.url}/x`, 4))).toEqual(new Set(['t0', 't1']));
  });

  test('a request in flight on a target that turns unhealthy still completes', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const lb = await start(1, {}, (req, res, target) => {
      if (req.url === '/slow') void released.then(() => res.end('slow done'));
      else res.end(target.name);
    });
    const slow = fetch(`${lb.url}/slow`);
    await waitFor('slow request at the target', () => target(0).requests.length === 1);
    target(0).readyStatus = 503;
    await waitFor('t0 unhealthy', () => lb.targetHealth()[0]?.state === 'unhealthy');
    expect(lb.targetHealth()[0]?.inFlight).toBe(1);
    release();
    expect(await (await slow).text()).toBe('slow done');
  });
});

describe('registering and deregistering targets, as ECS does for a service', () => {
  test('a target registered later gets requests once it passes a health check; registering it again changes nothing', async () => {
    const lb = await start(1);
    const late = await startTarget('late');
    targets.push(late);
    lb.registerTarget(late.url);
    lb.registerTarget(late.url);
    expect(lb.targetHealth().map((t) => t.target)).toEqual([target(0).url, late.url]);
    await waitFor('late target healthy', () => lb.targetHealth()[1]?.state === 'healthy');
    expect(new Set(await bodies(`${lb.url}/x`, 4))).toEqual(new Set(['t0', 'late']));
  });

  test('a deregistered target gets no new requests, finishes those in flight, and leaves once they are done', async () => {
    const lines: Record<string, unknown>[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const lb = await start(
      2,
      { logger: capture(lines), deregistrationDelayMs: 60_000 },
      (req, res, target) => {
        if (req.url === '/slow') void released.then(() => res.end('slow done'));
        else res.end(target.name);
      },
    );
    const slow = fetch(`${lb.url}/slow`);
    await waitFor('slow request at a target', () => targets.some((t) => t.requests.length === 1));
    const busy = targets.find((t) => t.requests.length === 1) ?? target(0);
    const other = targets.find((t) => t !== busy) ?? target(1);

    let left = false;
    const deregistered = lb.deregisterTarget(busy.url).then(() => (left = true));
    expect(lb.targetHealth().find((t) => t.target === busy.url)).toMatchObject({
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      inFlight: 1,
    });
    expect(await bodies(`${lb.url}/x`, 4)).toEqual(Array(4).fill(other.name));
    expect(left).toBe(false);

    release();
    expect(await (await slow).text()).toBe('slow done');
    await deregistered;
    expect(lb.targetHealth().map((t) => t.target)).toEqual([other.url]);
    expect(lines.map((line) => [line.target, line.to, line.reason])).toEqual(
      expect.arrayContaining([
        [busy.url, 'draining', 'Target.DeregistrationInProgress'],
        [busy.url, 'unused', 'Target.NotRegistered'],
      ]),
    );
    expect(lines.find((line) => line.to === 'unused')?.cutRequests).toBeUndefined();
  });

  test('a target with nothing in flight leaves at once; deregistering an unknown target is a no-op', async () => {
    const lb = await start(2, { deregistrationDelayMs: 60_000 });
    await lb.deregisterTarget(target(0).url);
    await lb.deregisterTarget(target(0).url);
    await lb.deregisterTarget('http://127.0.0.1:9');
    expect(lb.targetHealth().map((t) => t.target)).toEqual([target(1).url]);
    expect(await bodies(`${lb.url}/x`, 2)).toEqual(['t1', 't1']);
  });

  test('requests still in flight when the deregistration delay runs out are cut', async () => {
    const lines: Record<string, unknown>[] = [];
    const lb = await start(1, { logger: capture(lines), deregistrationDelayMs: 200 }, (req, res) => {
      if (req.url !== '/never') res.end('ok');
    });
    const never = fetch(`${lb.url}/never`).then(
      (response) => response.status,
      () => 'cut',
    );
    await waitFor('request at the target', () => target(0).requests.length === 1);
    await lb.deregisterTarget(target(0).url);
    expect(await never).toBe(502);
    expect(lines.find((line) => line.to === 'unused')).toMatchObject({ level: 'warn', cutRequests: 1 });
    expect(lb.targetHealth()).toEqual([]);
    expect((await fetch(`${lb.url}/x`)).status).toBe(503);
  });
});

describe('forwarding headers, as ALB sets them', () => {
  test('X-Forwarded-For is appended, Proto and Port are set, Host is kept, hop-by-hop headers are not forwarded', async () => {
    const lb = await start(1);
    await fetch(`${lb.url}/h`, {
      headers: {
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-proto': 'https',
        'x-custom': 'kept',
        te: 'trailers',
      },
    });
    const headers = target(0).requests[0]?.headers ?? {};
    expect(headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-port']).toBe(String(lb.port));
    expect(headers.host).toBe(`127.0.0.1:${lb.port}`);
    expect(headers['x-custom']).toBe('kept');
    expect(headers.te).toBeUndefined();
  });

  test('X-Amzn-Trace-Id: a new Root when absent or invalid; the Root kept and a Self added when present', async () => {
    const lb = await start(1);
    await fetch(`${lb.url}/a`);
    await fetch(`${lb.url}/b`, {
      headers: { 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678;Lineage=a:1' },
    });
    await fetch(`${lb.url}/c`, { headers: { 'x-amzn-trace-id': 'Root=garbage' } });
    const [a, b, c] = target(0).requests.map((r) => String(r.headers['x-amzn-trace-id']));
    expect(a).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(b).toMatch(
      /^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-67891233-abcdef012345678912345678;Lineage=a:1$/,
    );
    expect(c).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  test('header fields with invalid names are dropped (drop_invalid_header_fields)', async () => {
    const lb = await start(1);
    const response = await rawExchange(
      lb.port,
      'GET /d HTTP/1.1\r\nHost: x\r\nX_Underscore: 1\r\nx.dot: 2\r\nGood-Name-9: 3\r\nConnection: close\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    const names = (target(0).requests[0]?.rawHeaders ?? [])
      .filter((_, i) => i % 2 === 0)
      .map((n) => n.toLowerCase());
    expect(names).toContain('good-name-9');
    expect(names).not.toContain('x_underscore');
    expect(names).not.toContain('x.dot');
  });
});

describe('answers of its own, like ALB', () => {
  test('400 for a header value with a bare CR, and nothing of it reflected', async () => {
    const lb = await start(1);
    const response = await rawExchange(
      lb.port,
      'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rSet-Cookie: evil=1\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 400/);
    expect(response).toContain('server: awselb/2.0');
    expect(response.toLowerCase()).not.toContain('evil');
    expect(target(0).requests).toHaveLength(0);
  });

  test('400 for a header line over 16 KiB, which never reaches a target', async () => {
    const lb = await start(1);
    const response = await fetch(`${lb.url}/big`, { headers: { 'x-big': 'a'.repeat(17 * 1024) } });
    expect(response.status).toBe(400);
    expect(response.headers.get('server')).toBe('awselb/2.0');
    expect(target(0).requests).toHaveLength(0);
  });

  test('503 while no target has passed a health check', async () => {
    targets = [await startTarget('hung')];
    // A /readyz that never answers: the target stays `initial` for as long as the check may take.
    target(0).server.removeAllListeners('request');
    target(0).server.on('request', () => undefined);
    const lb = await startLocalAlb({
      targets: [target(0).url],
      healthCheck: { intervalMs: 30_000, timeoutMs: 20_000 },
      logger,
    });
    alb = lb;
    const response = await fetch(`${lb.url}/x`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(lb.targetHealth()[0]?.state).toBe('initial');
  });

  test('502 when every target refuses connections (all unhealthy: ALB fails open and reaches none)', async () => {
    const lb = await start(2);
    await Promise.all(targets.map((target) => target.close()));
    await waitFor('both unhealthy', () => lb.targetHealth().every((t) => t.state === 'unhealthy'));
    expect(lb.targetHealth()[0]?.reason).toContain('connection refused');
    expect((await fetch(`${lb.url}/x`)).status).toBe(502);
    targets = [];
  });

  test('502 when a target drops the connection without answering', async () => {
    const lb = await start(1, {}, (req, res) => {
      if (req.url === '/drop') req.socket.destroy();
      else res.end('ok');
    });
    expect((await fetch(`${lb.url}/drop`, { method: 'POST', body: 'x' })).status).toBe(502);
  });

  test('504 when a target does not answer within the idle timeout', async () => {
    const lb = await start(1, { idleTimeoutMs: 300 }, (req, res) => {
      if (req.url !== '/stall') res.end('ok');
    });
    const response = await fetch(`${lb.url}/stall`);
    expect(response.status).toBe(504);
    expect(response.headers.get('server')).toBe('awselb/2.0');
  });

  test('an idle client connection is closed after the idle timeout', async () => {
    const lb = await start(1, { idleTimeoutMs: 300 });
    const socket = connect(lb.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /k HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'data');
    await once(socket, 'close'); // nothing more is sent: the ALB closes the idle connection
    expect(socket.destroyed).toBe(true);
  });
});

describe('a target that stops accepting connections before its health checks fail', () => {
  test('a GET is sent to another target; a POST is not repeated and gets 502', async () => {
    // Health checks far apart, so the ALB still counts t0 healthy after its listener has closed.
    const lb = await start(2, { healthCheck: { ...fast, intervalMs: 60_000, timeoutMs: 1_000 } });
    await target(0).close();
    expect(await bodies(`${lb.url}/x`, 4)).toEqual(['t1', 't1', 't1', 't1']);
    const posts = [];
    for (let i = 0; i < 4; i += 1)
      posts.push((await fetch(`${lb.url}/p`, { method: 'POST', body: 'x' })).status);
    expect(posts.filter((s) => s === 502)).toHaveLength(2);
    expect(posts.filter((s) => s === 200)).toHaveLength(2);
    expect(lb.targetHealth()[0]?.state).toBe('healthy');
  });
});
