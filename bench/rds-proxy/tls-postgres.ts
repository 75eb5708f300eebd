// TLS on the embedded PostgreSQL, for the baseline: a direct connection must pay for its TLS
// handshake too, or the comparison would charge the front for TLS alone. A certificate of the same
// local CA, switched on with ALTER SYSTEM and a reload (the cluster is the bench's own).
import { chownSync, chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalTls } from '@keyless/permission-gate';
import pg from 'pg';

export async function enableTls(adminUrl: string, tls: LocalTls): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rds-proxy-tls-'));
  chmodSync(dir, 0o755);
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  writeFileSync(cert, tls.cert, { mode: 0o644 });
  writeFileSync(key, tls.key, { mode: 0o600 });
  // As root the cluster runs as `postgres` (local/platform), which must own its key.
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(key, uid, gid);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
    await admin.query(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
    await admin.query('ALTER SYSTEM SET ssl = on');
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  return dir;
}
