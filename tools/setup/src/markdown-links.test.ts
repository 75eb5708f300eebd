import { describe, expect, test } from 'vitest';
import { githubSlug, markdownAnchors, markdownCodeSpans, markdownLinks } from './markdown-links.ts';

const targets = (markdown: string) => markdownLinks(markdown).map(({ target }) => target);

describe('markdownLinks', () => {
  test('finds inline links and images, with their lines', () => {
    expect(
      markdownLinks('# T\n\nSee [the flows](docs/flows/README.md#run-it) and ![a](img/a.png "A").'),
    ).toEqual([
      { target: 'docs/flows/README.md#run-it', line: 3 },
      { target: 'img/a.png', line: 3 },
    ]);
  });

  test('finds a link around an image, one in angle brackets, and one with parentheses in it', () => {
    expect(targets('[![badge](b.svg)](ci.md) [x](<a b.md>) [y](f(1).md)')).toEqual([
      'b.svg',
      'ci.md',
      'a b.md',
      'f(1).md',
    ]);
  });

  test('finds reference definitions and HTML href and src', () => {
    expect(targets('[flows][f]\n\n[f]: docs/flows.md\n\n<a href="x.md">x</a> <img src=\'y.png\'>')).toEqual([
      'docs/flows.md',
      'x.md',
      'y.png',
    ]);
  });

  test('ignores link syntax in fenced code blocks, code spans and HTML comments', () => {
    const markdown = [
      '```ts',
      'const a = [x](not-a-link.md);',
      '```',
      '  ~~~~',
      '  [y](nor-this.md)',
      '  ```',
      '  still code [z](nor-that.md)',
      '  ~~~~',
      'Text `[c](code-span.md)` and ``a ` [d](double.md)`` <!-- [e](comment.md) -->',
      '<!--',
      '[f](multi-line-comment.md)',
      '-->',
      '[real](real.md)',
    ].join('\n');
    expect(markdownLinks(markdown)).toEqual([{ target: 'real.md', line: 13 }]);
  });

  test('an unmatched backtick does not hide the rest of the paragraph', () => {
    expect(targets('a ` b [x](x.md)\n\n`c` [y](y.md)')).toEqual(['x.md', 'y.md']);
  });

  test('ignores brackets that are not link text', () => {
    expect(targets('array(1) and \\[not](a.md) and list[0] (b.md)')).toEqual([]);
  });
});

describe('markdownCodeSpans', () => {
  test('returns code spans outside code blocks with their lines', () => {
    expect(markdownCodeSpans('a `libs/aws` b\n```\n`not/this`\n```\n`` x ` y `` ')).toEqual([
      { code: 'libs/aws', line: 1 },
      { code: 'x ` y', line: 5 },
    ]);
  });
});

describe('githubSlug', () => {
  test.each([
    ['How to read the pages', 'how-to-read-the-pages'],
    ['`AWS_ENDPOINT_URL_STS` is not optional locally', 'aws_endpoint_url_sts-is-not-optional-locally'],
    ['What is checked, in order', 'what-is-checked-in-order'],
    ['Where is…', 'where-is'],
    ['The whole system (`npm start`) and `npm run demo`', 'the-whole-system-npm-start-and-npm-run-demo'],
    ['Renaming the [template](x.md)', 'renaming-the-template'],
    ['**Bold** and _emphasis_ and snake_case', 'bold-and-emphasis-and-snake_case'],
    ['Ünïcode – dash', 'ünïcode--dash'],
    ['A <code>tag</code> here', 'a-tag-here'],
  ])('%s → %s', (heading, slug) => expect(githubSlug(heading)).toBe(slug));
});

describe('markdownAnchors', () => {
  test('one per heading, repeats numbered, closing hashes dropped, code blocks skipped', () => {
    const markdown = [
      '# Title #',
      '## Run it',
      '```sh',
      '# not a heading',
      '```',
      '## Run it',
      'Setext heading',
      '--------------',
      '| a | b |',
      '| --- | --- |',
      '#hashtag',
      '<a id="custom-anchor"></a>',
    ].join('\n');
    expect([...markdownAnchors(markdown)]).toEqual([
      'title',
      'run-it',
      'run-it-1',
      'setext-heading',
      'custom-anchor',
    ]);
  });
});
