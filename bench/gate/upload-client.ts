// The AWS side of one upload, as the api and its client make it, in a process of its own configured
// only by its environment (AWS_ENDPOINT_URL, the api role's task credentials, the table and bucket):
// `POST /v1/uploads` puts the PENDING item (DynamoDB PutItem through the api's uploads table) and
// presigns the PUT (the api's presignUpload, with the api's clients), then the client PUTs the
// bytes to that URL. Driven by run.ts over IPC: each message asks for a round of `count` uploads,
// `concurrency` at a time; the answer is the round's duration and each call's latency.
import { randomUUID } from 'node:crypto';
import { awsSettingsFrom, createDynamoDbDocumentClient, createPresigningS3Client } from '@keyless/aws';
import { issuedUpload, uploadMetadata } from '@keyless/contracts';
import { presignUpload } from '../../apps/api/src/s3/presign.ts';
import { newUploadId } from '../../apps/api/src/uploads/upload-id.ts';
import { createUploadsTable } from '../../apps/api/src/uploads/uploads-table.ts';

export interface UploadRound {
  count: number;
  concurrency: number;
}

export interface UploadRoundResult {
  ms: number;
  /** Per call, in milliseconds. */
  putItemMs: number[];
  putObjectMs: number[];
}

const { AWS_REGION = '', AWS_ENDPOINT_URL, UPLOADS_TABLE = '', FILES_BUCKET = '' } = process.env;
const aws = awsSettingsFrom({ AWS_REGION, AWS_ENDPOINT_URL });
const uploads = createUploadsTable(createDynamoDbDocumentClient(aws), UPLOADS_TABLE);
const s3 = createPresigningS3Client(aws);
const body = Buffer.alloc(2_048, 'keyless benchmark upload\n');
const ownerSub = randomUUID();

async function upload(result: UploadRoundResult): Promise<void> {
  const address = { ownerSub, uploadId: newUploadId() };
  const contentType = 'application/pdf';
  const item = issuedUpload({
    ...address,
    filename: 'report.pdf',
    contentType,
    declaredBytes: body.length,
    createdAt: new Date(),
  });
  let started = performance.now();
  await uploads.create(item);
  result.putItemMs.push(performance.now() - started);
  const presigned = await presignUpload(s3, {
    bucket: FILES_BUCKET,
    key: item.objectKey,
    contentType,
    contentLength: body.length,
    metadata: uploadMetadata(address),
    expiresInSeconds: 900,
  });
  started = performance.now();
  const response = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body });
  await response.arrayBuffer();
  result.putObjectMs.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`the presigned PUT answered ${response.status}`);
}

async function round({ count, concurrency }: UploadRound): Promise<UploadRoundResult> {
  const result: UploadRoundResult = { ms: 0, putItemMs: [], putObjectMs: [] };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await upload(result);
      }
    }),
  );
  result.ms = performance.now() - started;
  return result;
}

process.on('message', (message: UploadRound) => {
  round(message).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.send?.('ready');
