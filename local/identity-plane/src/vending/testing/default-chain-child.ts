// Runs as a child process with only the variables under test: resolves credentials through the
// SDK's default provider chain exactly as a service's clients do, and prints what it got.
// argv: <distinct access keys wanted> <maximum resolutions>
import { setTimeout as sleep } from 'node:timers/promises';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

const wanted = Number(process.argv[2] ?? '1');
const maxResolutions = Number(process.argv[3] ?? '1');
const provider = fromNodeProviderChain();
const accessKeyIds = new Set<string>();
let resolutions = 0;
try {
  while (accessKeyIds.size < wanted && resolutions < maxResolutions) {
    const credentials = await provider();
    resolutions += 1;
    accessKeyIds.add(credentials.accessKeyId);
    // Lets a background refresh the chain started finish before the next resolution.
    await sleep(50);
  }
  process.stdout.write(JSON.stringify({ accessKeyIds: [...accessKeyIds], resolutions }));
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(JSON.stringify({ error: { name, message } }));
}
