// What the node agent runs in the rotation test: reads the projected token file the Pod spec names,
// waits until the file holds another token (the agent's refresh), prints both tokens' iat and exits.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const file = process.env.AWS_WEB_IDENTITY_TOKEN_FILE as string;
const first = readFileSync(file, 'utf8');
let current = first;
while (current === first) {
  await sleep(100);
  current = readFileSync(file, 'utf8');
}
const iat = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { iat: number }).iat;
process.stdout.write(`${JSON.stringify({ rotated: true, iats: [iat(first), iat(current)] })}\n`);
