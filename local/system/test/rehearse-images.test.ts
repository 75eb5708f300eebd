// `npm run rehearse:deploy`'s images step against the running system: the images job pushes every
// image through the chain deploy → image-publishing role; a pull request and deploy itself get no
// login; each pull role pulls its own image, digest for digest, and is refused every other.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { IMAGE_NAMES } from '@keyless/iam-model';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@keyless/local-platform';
import { describeImageStep, rehearseImages, type ImagesRehearsal } from '../src/rehearse-images.ts';
import { writePlatformFile } from '../src/platform-file.ts';
import { snippetPattern } from './flow-docs.ts';
import { systemNeeds } from '../src/index.ts';
import { startTestSystem } from './system-fixture.ts';

emulatorSuite(systemNeeds, () => {
  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let rehearsal: ImagesRehearsal;
  beforeAll(async () => {
    fixture = await startTestSystem();
    rehearsal = await rehearseImages(fixture.system.description, { tag: 'rehearsal-1' });
  });
  afterAll(() => fixture?.stop());

  const stepsTitled = (fragment: string) => rehearsal.steps.filter((step) => step.title.includes(fragment));

  describe('the images job, rehearsed', () => {
    test('pushes every image as the image-publishing role reached from deploy', () => {
      const pushes = stepsTitled('images job: push');
      expect(pushes.map((step) => step.outcome)).toEqual(IMAGE_NAMES.map(() => 'allowed'));
      for (const image of IMAGE_NAMES) expect(rehearsal.digests[image]).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    test('a pull request gets no login, and neither does deploy without chaining', () => {
      for (const title of ['pull request: ecr get-login-password as diff', 'deploy without chaining']) {
        const [step] = stepsTitled(title);
        expect(step?.outcome).toBe('denied');
        expect(step?.detail).toContain('is not authorized to perform: ecr:GetAuthorizationToken');
      }
    });

    test('each pull role pulls its own image and is refused every other, naming the action', () => {
      const pulls = stepsTitled('pull keyless/');
      expect(pulls).toHaveLength(IMAGE_NAMES.length ** 2);
      for (const step of pulls) expect(step.outcome).toBe(step.expect);
      const refused = pulls.find((step) => step.expect === 'denied');
      expect(refused?.detail).toContain('is not authorized to perform: ecr:BatchGetImage');
    });

    test('prints what docs/flows/ecr-images.md shows', () => {
      const page = readFileSync(join(repoRoot, 'docs/flows/ecr-images.md'), 'utf8');
      const block = /<!-- registry: rehearsal -->\n\n```text\n([\s\S]*?)\n```/.exec(page)?.[1] ?? '';
      const printed = rehearsal.steps.map(describeImageStep).join('\n');
      const shown = block.split('\n');
      expect(shown.length).toBeGreaterThan(0);
      for (let line = 0; line < shown.length; line += 2)
        expect(printed).toMatch(snippetPattern(`${shown[line]}\n${shown[line + 1]}`));
    });

    test('the page’s login as a pull role, then a pull of another service’s image, print what it shows', async () => {
      const page = readFileSync(join(repoRoot, 'docs/flows/ecr-images.md'), 'utf8');
      const block = (label: string) =>
        new RegExp(`<!-- registry: ${label} -->\\n\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(page)?.[1] ??
        '';
      const platformFile = join(fixture.dir, 'platform.json');
      const localstackBin = join(repoRoot, '.local/emulators/localstack/venv/bin');
      await writePlatformFile(platformFile, fixture.system.description);
      const script = [
        // The README's `p`, reading this system's description.
        `p() { node -p "require('${platformFile}').$1"; }`,
        block('login-as-puller'),
        block('pull-other-commands').replaceAll('$(git rev-parse HEAD)', 'rehearsal-1'),
      ].join('\n');
      const printed = await new Promise<string>((resolve) =>
        execFile(
          'bash',
          ['-c', script],
          // The AWS CLI `npm test` installs with LocalStack core, else the one on the PATH.
          { cwd: repoRoot, env: { ...process.env, PATH: `${localstackBin}:${process.env.PATH ?? ''}` } },
          (_, stdout, stderr) => resolve(`${stdout}${stderr}`),
        ),
      );
      expect(printed).toMatch(snippetPattern(block('pull-other')));
    });

    test('a second rehearsal of the same commit finds its images and pushes nothing', async () => {
      const again = await rehearseImages(fixture.system.description, { tag: 'rehearsal-1' });
      expect(again.steps.filter((step) => step.title.includes('already exists'))).toHaveLength(
        IMAGE_NAMES.length,
      );
      expect(again.digests).toEqual(rehearsal.digests);
    });
  });
});
