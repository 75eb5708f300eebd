// The choice up.sh makes from what it finds: use an engine that answers, start ours only where it
// can (root on Debian bookworm), and never start one behind a DOCKER_HOST someone set on purpose.
import { describe, expect, test } from 'vitest';
import { call } from './bash.ts';

const ours = 'unix:///run/keyless-engine/docker.sock';
const decide = async (answering: string, dockerHost: string, uid: string, os: string, codename: string) =>
  (
    await call(['lib/common.sh', 'lib/decide.sh'], 'decide', [answering, dockerHost, uid, os, codename])
  ).stdout.trim();

describe('decide', () => {
  test('our engine answering already: reuse it', async () => {
    expect(await decide(ours, '', '0', 'debian', 'bookworm')).toBe('ours');
    expect(await decide(ours, ours, '0', 'debian', 'bookworm')).toBe('ours');
  });

  test('another engine answering (a laptop with Docker): use it and change nothing, root or not', async () => {
    expect(await decide('unix:///var/run/docker.sock', '', '1000', 'ubuntu', 'noble')).toBe(
      'other unix:///var/run/docker.sock',
    );
    expect(await decide('tcp://10.0.0.5:2375', 'tcp://10.0.0.5:2375', '0', 'debian', 'bookworm')).toBe(
      'other tcp://10.0.0.5:2375',
    );
  });

  test('nothing answers, root on Debian bookworm: start ours', async () => {
    expect(await decide('', '', '0', 'debian', 'bookworm')).toBe('start');
    expect(await decide('', ours, '0', 'debian', 'bookworm')).toBe('start');
  });

  test('nothing answers at a DOCKER_HOST someone chose: refuse rather than start another', async () => {
    expect(await decide('', 'tcp://10.0.0.5:2375', '0', 'debian', 'bookworm')).toBe(
      'refuse DOCKER_HOST=tcp://10.0.0.5:2375 does not answer (unset it to let this script start an engine)',
    );
  });

  test('nothing answers and starting one is not possible here: refuse, saying why', async () => {
    expect(await decide('', '', '1000', 'debian', 'bookworm')).toBe(
      'refuse no container engine answers, and starting one needs root',
    );
    expect(await decide('', '', '0', 'ubuntu', 'noble')).toBe(
      'refuse no container engine answers, and this script starts one on Debian bookworm only (this is ubuntu noble)',
    );
    expect(await decide('', '', '0', 'debian', 'trixie')).toMatch(
      /^refuse .*bookworm only \(this is debian trixie\)$/,
    );
  });
});
