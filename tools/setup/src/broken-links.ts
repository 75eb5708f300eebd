import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { markdownAnchors, markdownCodeSpans, markdownLinks } from './markdown-links.ts';

/** A link that does not resolve: `file:line: target (why)`, paths relative to the repository. */
export type BrokenLink = string;

/** Why `#fragment` names nothing in `file`, or undefined if it names something. */
function missingFragment(
  file: string,
  fragment: string,
  anchors: (markdownFile: string) => Set<string>,
): string | undefined {
  if (extname(file) === '.md') {
    return anchors(file).has(fragment) ? undefined : `no heading or id '${fragment}'`;
  }
  // GitHub's line anchors in a source file: #L12 or #L12-L20.
  const lines = /^L(\d+)(?:-L(\d+))?$/.exec(fragment);
  if (!lines) return `'#${fragment}' is not a line anchor`;
  const count = readFileSync(file, 'utf8').split('\n').length;
  return Number(lines[2] ?? lines[1]) <= count ? undefined : `the file has ${count} lines`;
}

/**
 * The relative links in `files` that name no file or directory in the repository at `repoRoot`, or
 * an anchor that the named Markdown file does not have. Links with a scheme (https:, mailto:) are
 * someone else's.
 */
export function brokenLinks(repoRoot: string, files: string[]): BrokenLink[] {
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let found = anchorsOf.get(file);
    if (!found) anchorsOf.set(file, (found = markdownAnchors(readFileSync(file, 'utf8'))));
    return found;
  };
  return files.flatMap((file) =>
    markdownLinks(readFileSync(file, 'utf8')).flatMap(({ target, line }) => {
      if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(target)) return [];
      const [pathAndQuery = '', fragment] = target.split('#', 2);
      const path = decodeURIComponent(pathAndQuery.replace(/\?.*$/, ''));
      // GitHub resolves a leading slash from the repository root.
      const resolved =
        path === '' ? file : path.startsWith('/') ? join(repoRoot, path) : resolve(dirname(file), path);
      const why = relative(repoRoot, resolved).startsWith('..')
        ? 'outside the repository'
        : !existsSync(resolved)
          ? 'no such file'
          : fragment && statSync(resolved).isFile()
            ? missingFragment(resolved, decodeURIComponent(fragment), anchors)
            : undefined;
      return why ? [`${relative(repoRoot, file)}:${line}: ${target} (${why})`] : [];
    }),
  );
}

// Build output and local state are named in docs before they exist.
const generated = /(^|\/)(dist|\.local|node_modules|cdk\.out|coverage)(\/|$)/;

/**
 * Paths from the repository root named in code spans (`local/lambda-runtime/src/...`) that do not
 * exist: a file that moved leaves such a mention behind as surely as a link. Placeholders
 * (`apps/<name>`, `libs/...`) and generated paths are not paths.
 */
export function missingCodePaths(repoRoot: string, files: string[]): BrokenLink[] {
  const topLevel = readdirSync(repoRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !generated.test(entry.name))
    .map((entry) => entry.name);
  return files.flatMap((file) =>
    markdownCodeSpans(readFileSync(file, 'utf8')).flatMap(({ code, line }) => {
      const path = code.replace(/[/:]$/, '');
      const named =
        topLevel.some((dir) => path.startsWith(`${dir}/`)) &&
        !/[\s<>*…]|\.\.\./.test(path) &&
        !generated.test(path);
      return named && !existsSync(join(repoRoot, path))
        ? [`${relative(repoRoot, file)}:${line}: \`${code}\` (no such file)`]
        : [];
    }),
  );
}
