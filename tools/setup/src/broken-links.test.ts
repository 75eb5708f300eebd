import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { brokenLinks, missingCodePaths } from './broken-links.ts';

const root = mkdtempSync(join(tmpdir(), 'keyless-links-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): string {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  return join(root, path);
}

write('docs/flows/irsa.md', '# IRSA\n\n## Run it\n');
write('libs/aws/src/client-config.ts', 'export function clientConfig() {}\n');
write('local/platform/src/index.ts', '');
write('apps/upload-processor/src/handler.ts', '');

describe('brokenLinks', () => {
  test('accepts files, directories, anchors, line anchors, root-relative and absolute links', () => {
    const readme = write(
      'README.md',
      [
        '# Keyless',
        '[irsa](docs/flows/irsa.md) [run](docs/flows/irsa.md#run-it) [docs](docs/) [here](#keyless)',
        '[code](libs/aws/src/client-config.ts#L1) [root](/docs/flows/irsa.md) [encoded](docs/flows/irsa.md?plain=1)',
        '[web](https://aws.amazon.com) [mail](mailto:x@example.com) [proto](//example.com/x.md)',
      ].join('\n'),
    );
    expect(brokenLinks(root, [readme])).toEqual([]);
  });

  test('names each link to a missing file or anchor, or out of the repository, with file and line', () => {
    const page = write(
      'docs/page.md',
      [
        '# Page',
        '[moved](../local/platform/src/emulator-admin.ts)',
        '[anchor](flows/irsa.md#run-it-now) [self](#nowhere)',
        '[lines](../libs/aws/src/client-config.ts#L9) [out](../../elsewhere.md)',
        '[named](../libs/aws/src/client-config.ts#clientConfig)',
      ].join('\n'),
    );
    expect(brokenLinks(root, [page])).toEqual([
      'docs/page.md:2: ../local/platform/src/emulator-admin.ts (no such file)',
      "docs/page.md:3: flows/irsa.md#run-it-now (no heading or id 'run-it-now')",
      "docs/page.md:3: #nowhere (no heading or id 'nowhere')",
      'docs/page.md:4: ../libs/aws/src/client-config.ts#L9 (the file has 2 lines)',
      'docs/page.md:4: ../../elsewhere.md (outside the repository)',
      "docs/page.md:5: ../libs/aws/src/client-config.ts#clientConfig ('#clientConfig' is not a line anchor)",
    ]);
  });
});

describe('missingCodePaths', () => {
  test('names a repository path in a code span that does not exist; skips placeholders and build output', () => {
    const page = write(
      'docs/mentions.md',
      [
        'Credentials live in `local/platform/src/emulator-admin.ts`; clients in `libs/aws/src/`.',
        'Add `apps/<name>/Dockerfile`, see `libs/...`, build `apps/upload-processor/dist`, run `npm test`,',
        'read `src/main.ts` and `docs/flows/irsa.md`.',
      ].join('\n'),
    );
    expect(missingCodePaths(root, [page])).toEqual([
      'docs/mentions.md:1: `local/platform/src/emulator-admin.ts` (no such file)',
    ]);
  });
});
