// Real file names through the local ALB: each is accepted, stored on the item and returned exactly
// as sent (no normalisation), and none reaches the object key, the presigned URL or a header.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiCluster, type ApiCluster } from './support/api-cluster.ts';
import { admin, claimsOf, directory, signIn } from './support/directory.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { apiNeeds } from './support/directory.ts';

emulatorSuite(apiNeeds, () => {
  let cluster: ApiCluster;
  let token: string;
  let sub: string;
  beforeAll(async () => {
    cluster = await startApiCluster({ UPLOADS_PER_MINUTE: '1000' });
    token = (await signIn(directory().users.demo)).accessToken;
    sub = String(claimsOf(token).sub);
  });
  afterAll(() => cluster?.stop());

  const names: [string, string][] = [
    ['brackets', 'report (final) [v2].pdf'],
    ['Chinese', '年度报告.pdf'],
    ['Arabic', 'تقرير نهائي.pdf'],
    ['Devanagari', 'वार्षिक रिपोर्ट.pdf'],
    ['Cyrillic', 'Отчёт №5.docx'],
    ['a ZWJ family with a skin tone', '\u{1F469}\u{1F3FD}\u200D\u{1F469}\u200D\u{1F467} family.jpg'],
    [
      'flags, one a tag sequence',
      '\u{1F1EF}\u{1F1F5}\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}.txt',
    ],
    ['é in NFC', 'caf\u00E9.txt'],
    ['é in NFD', 'cafe\u0301.txt'],
    ['percent escapes that must stay text', '100% %2F %00 %zz.txt'],
    ["#&'+;= and a question mark", "#1 & co's a+b=c; d?.txt"],
    ['spaces at both ends', '  padded  '],
    ['exactly 255 UTF-8 bytes, an emoji last', `${'a'.repeat(251)}\u{1F600}`],
  ];

  interface Created {
    uploadId: string;
    upload: { url: string; headers: Record<string, string> };
  }

  async function create(filename: string, body: string): Promise<Created> {
    const response = await fetch(`${cluster.alb.url}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename, contentType: 'text/plain', size: Buffer.byteLength(body) }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  }

  const bytes = (value: unknown) => Buffer.from(String(value), 'utf8');

  describe('each name is kept exactly, and only as data', () => {
    const created = new Map<string, Created>();
    const body = (label: string) => `contents of ${label}`;

    beforeAll(async () => {
      for (const [label, filename] of names) created.set(label, await create(filename, body(label)));
    });

    test.each(names)('%s', async (label, filename) => {
      const { uploadId, upload } = created.get(label) ?? ({} as Created);
      const key = `incoming/${sub}/${uploadId}`;

      const { Item } = await admin().dynamodb.send(
        new GetItemCommand({
          TableName: directory().table,
          Key: { ownerSub: { S: sub }, uploadId: { S: uploadId } },
        }),
      );
      expect(bytes(Item?.filename?.S)).toEqual(bytes(filename));
      expect(Item?.objectKey?.S).toBe(key);

      const one = (await (
        await fetch(`${cluster.alb.url}/v1/uploads/${uploadId}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { filename: string };
      expect(bytes(one.filename)).toEqual(bytes(filename));

      // The URL and the headers it must be sent with are made of ids, never of the name.
      expect(new URL(upload.url).pathname).toBe(`/${directory().bucket}/${key}`);
      for (const value of [upload.url, ...Object.values(upload.headers)])
        expect(value).toMatch(/^[\x21-\x7e]*$/);

      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: body(label) });
      expect(put.status).toBe(200);
      const head = await admin().s3.send(new HeadObjectCommand({ Bucket: directory().bucket, Key: key }));
      expect(head.ContentLength).toBe(Buffer.byteLength(body(label)));
    });

    test('the NFC and NFD spellings are two uploads whose names differ in bytes as sent', async () => {
      const list = (await (
        await fetch(`${cluster.alb.url}/v1/uploads?limit=100`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { items: { uploadId: string; filename: string }[] };
      const listed = (label: string) =>
        list.items.find((item) => item.uploadId === created.get(label)?.uploadId)?.filename;
      expect(bytes(listed('é in NFC'))).toEqual(Buffer.from('636166c3a92e747874', 'hex'));
      expect(bytes(listed('é in NFD'))).toEqual(Buffer.from('63616665cc812e747874', 'hex'));
    });
  });
});
