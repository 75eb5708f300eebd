import { execFileSync } from 'node:child_process';

export interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  try {
    return Number(
      execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  } catch {
    return undefined;
  }
}

function hasGroup(name: string): boolean {
  try {
    execFileSync('getent', ['group', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the system user `postgres`,
 * created (no home, no login shell) when the machine has none.
 */
export function postgresUser(): RunAs {
  if (idOf('-u') === undefined) {
    try {
      if (!hasGroup('postgres')) execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
      execFileSync(
        'useradd',
        [
          '--system',
          '--gid',
          'postgres',
          '--no-create-home',
          '--home-dir',
          '/nonexistent',
          '--shell',
          '/usr/sbin/nologin',
          'postgres',
        ],
        { stdio: 'pipe' },
      );
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root and there is no \`postgres\` user; creating one failed (${(error as Error).message.split('\n')[0]}): create it, or run as an ordinary user`,
        { cause: error },
      );
    }
  }
  const uid = idOf('-u');
  const gid = idOf('-g');
  if (uid === undefined || gid === undefined) throw new Error('the `postgres` user has no uid or gid');
  return { uid, gid };
}
