import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { markdownFiles } from '../src/markdown-files.ts';

const root = join(import.meta.dirname, '../../..');
const scriptsOf = (dir: string) =>
  Object.keys(
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> })
      .scripts ?? {},
  );
const scripts = scriptsOf(root);

describe('documented commands', () => {
  const docs = markdownFiles(root).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  test('every `npm run <script>` in the docs exists in package.json (or the named workspace)', () => {
    const missing = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/npm run ([\w:-]+)(?: -w (\S+))?/g)]
        .filter(
          ([, script = '', workspace]) =>
            !(workspace ? scriptsOf(join(root, workspace)) : scripts).includes(script),
        )
        .map(([command]) => `${file.slice(root.length + 1)}: ${command}`),
    );
    expect(missing).toEqual([]);
  });

  test('docs/benchmarks.md lists every benchmark command with its results file', () => {
    const benchmarks = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
    const benches = scripts.filter((script) => script.startsWith('bench:'));
    expect(benches.length).toBeGreaterThan(0);
    for (const bench of benches) {
      expect(benchmarks).toContain(`npm run ${bench}`);
      expect(benchmarks).toContain(`bench/results/${bench.slice('bench:'.length)}.json`);
    }
  });
});
