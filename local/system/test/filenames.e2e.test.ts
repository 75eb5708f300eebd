// Real file names end to end through the running local system: the api behind the ALB issues the
// upload, the file is PUT to the presigned URL, S3's event reaches the upload-processor Lambda, its
// ledger message reaches the ledger-worker, which writes the ledger row. Every name comes back exactly
// as sent, and the key every hop carries is made of ids only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { adminClients } from '@keyless/emulator-admin';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServices, type RunningServices } from '../src/start-services.ts';
import { trustLocalCa } from '../src/trust-local-ca.ts';
import { startTestSystem } from './system-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let services: RunningServices;
  let token: string;
  let ledger: pg.Client;

  beforeAll(async () => {
    fixture = await startTestSystem();
    // The api presigns on the gate's HTTPS endpoint; this process follows those URLs.
    trustLocalCa(fixture.system.description.identity.caFile);
    services = await startServices(fixture.system, {
      tracesFile: join(fixture.dir, 'traces.jsonl'),
      output: () => undefined,
      apiInstances: 1,
    });
    const { description } = fixture.system;
    const { userDirectory } = description.resources;
    const demo = userDirectory.users.find((user) => user.username === 'demo');
    const { AuthenticationResult } = await adminClients({
      endpoint: description.endpoints.aws,
      region: description.region,
    }).cognito.send(
      new InitiateAuthCommand({
        ClientId: userDirectory.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'demo', PASSWORD: demo?.password ?? '' },
      }),
    );
    token = AuthenticationResult?.AccessToken ?? '';
    ledger = new pg.Client({ connectionString: fixture.system.ledgerAdminUrl });
    await ledger.connect();
  }, 180_000);

  afterAll(async () => {
    await ledger?.end();
    await services?.stop();
    await fixture?.stop();
  });

  const names: [string, string][] = [
    ["brackets, percent signs and #&'+;=", "report (final) [v2] 100% a+b=c; #1 & co's.pdf"],
    [
      'a ZWJ family with a skin tone, and a flag',
      '\u{1F469}\u{1F3FD}\u200D\u{1F469}\u200D\u{1F467} \u{1F1EF}\u{1F1F5}.jpg',
    ],
    ['Arabic, Devanagari, Chinese and Cyrillic', 'تقرير वार्षिक 年度报告 Отчёт.txt'],
    ['é in NFC', 'caf\u00E9.txt'],
    ['é in NFD', 'cafe\u0301.txt'],
    ['spaces at both ends', '  padded  '],
    ['exactly 255 UTF-8 bytes', `${'\u20AC'.repeat(84)}abc`],
  ];

  async function api(path: string, init: RequestInit = {}) {
    const response = await fetch(`${services.albUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(250);
    }
    throw new Error(`${what} did not happen within 60 s`);
  }

  interface Upload {
    uploadId: string;
    sha256: string;
  }

  describe('a real file name through every hop', () => {
    const uploads = new Map<string, Upload>();

    beforeAll(async () => {
      for (const [label, filename] of names) {
        const content = Buffer.from(`contents of ${label}\n`);
        const { status, body } = await api('/v1/uploads', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filename, contentType: 'text/plain', size: content.length }),
        });
        expect(status).toBe(201);
        const upload = body.upload as { method: string; url: string; headers: Record<string, string> };
        const put = await fetch(upload.url, {
          method: upload.method,
          headers: upload.headers,
          body: content,
        });
        expect(put.status).toBe(200);
        uploads.set(label, {
          uploadId: String(body.uploadId),
          sha256: createHash('sha256').update(content).digest('hex'),
        });
      }
    }, 60_000);

    test.each(names)('%s', async (label, filename) => {
      expect(Buffer.byteLength(filename)).toBeLessThanOrEqual(255);
      const { uploadId, sha256 } = uploads.get(label) ?? { uploadId: '', sha256: '' };

      // The upload-processor recorded it (PROCESSED means the S3 event's key decoded to the key issued).
      const item = await until('the upload being processed', async () => {
        const { body } = await api(`/v1/uploads/${uploadId}`);
        return body.status === 'PENDING' ? undefined : body;
      });
      expect(item).toMatchObject({ status: 'PROCESSED', sha256 });
      expect(Buffer.from(String(item.filename))).toEqual(Buffer.from(filename));

      // The ledger-worker wrote the row, under the id-only key the api issued.
      const row = await until('the ledger row', async () => {
        const { rows } = await ledger.query<{ owner_sub: string; object_key: string; sha256: string }>(
          'SELECT owner_sub, object_key, sha256 FROM upload_events WHERE upload_id = $1',
          [uploadId],
        );
        return rows[0];
      });
      expect(row.sha256).toBe(sha256);
      expect(row.object_key).toBe(`incoming/${row.owner_sub}/${uploadId}`);
    });

    test('the NFC and NFD spellings are listed as two names, byte for byte as sent', async () => {
      const { body } = await api('/v1/uploads?limit=100');
      const listed = (label: string) =>
        (body.items as { uploadId: string; filename: string }[]).find(
          (item) => item.uploadId === uploads.get(label)?.uploadId,
        )?.filename;
      expect(Buffer.from(listed('é in NFC') ?? '').toString('hex')).toBe('636166c3a92e747874');
      expect(Buffer.from(listed('é in NFD') ?? '').toString('hex')).toBe('63616665cc812e747874');
    });

    test('every hop called AWS through the permission gate, as its own role, and was allowed', async () => {
      const expected = [
        'api s3:PutObject',
        'api dynamodb:PutItem',
        'upload-processor s3:GetObject',
        'upload-processor dynamodb:UpdateItem',
        'upload-processor sqs:SendMessage',
        'ledger-worker secretsmanager:GetSecretValue',
        'ledger-worker sqs:ReceiveMessage',
        'ledger-worker sqs:DeleteMessage',
      ];
      const calls = await until('every hop in the trail', async () => {
        const seen = gatedCalls(fixture.system.description.identity.trailFile);
        return expected.every((call) => seen.allowed.has(call)) ? seen : undefined;
      });
      expect(calls.denied).toEqual([]);
      // Over the gate's HTTPS endpoint, so aws:SecureTransport was true for each, as on AWS.
      expect(calls.overPlainHttp).toEqual([]);
    });
  });
});

interface TrailLine {
  userIdentity: { sessionContext?: { sessionIssuer?: { userName?: string } } };
  eventName: string;
  tlsDetails?: { tlsVersion: string };
  errorCode?: string;
  additionalEventData: { decision: string; authorizations?: { action: string }[] };
}

/** The role × IAM action pairs the gate allowed, and any call it refused, from the local CloudTrail. */
function gatedCalls(trailFile: string): { allowed: Set<string>; denied: string[]; overPlainHttp: string[] } {
  const allowed = new Set<string>();
  const denied: string[] = [];
  const overPlainHttp: string[] = [];
  const lines = existsSync(trailFile) ? readFileSync(trailFile, 'utf8').split('\n').filter(Boolean) : [];
  for (const record of lines.map((line) => JSON.parse(line) as TrailLine)) {
    const role = record.userIdentity.sessionContext?.sessionIssuer?.userName;
    if (!role) continue;
    if (!record.tlsDetails) overPlainHttp.push(`${role} ${record.eventName}`);
    for (const { action } of record.additionalEventData.authorizations ?? []) {
      if (record.additionalEventData.decision === 'denied')
        denied.push(`${role} ${action} ${record.errorCode}`);
      else allowed.add(`${role} ${action}`);
    }
  }
  return { allowed, denied, overPlainHttp };
}
