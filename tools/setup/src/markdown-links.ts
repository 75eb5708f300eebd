// The links of a Markdown file and the anchors its headings get, as GitHub renders them, for the
// link check. Not a full CommonMark parser (none is a dependency): it knows what hides link syntax
// (fenced code blocks, code spans, HTML comments) and the link forms the docs use (inline links
// and images, reference definitions, HTML href/src). Indented code blocks are not recognised: the
// docs fence their code.

export interface MarkdownLink {
  /** The destination as written, e.g. `../docs/flows/irsa.md#run-it`. */
  target: string;
  /** 1-based. */
  line: number;
}

const fence = /^[ \t>]*(`{3,}|~{3,})/;

/** The text with fenced code blocks and HTML comments blanked out, line breaks kept. */
function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split('\n');
  let open: string | undefined;
  const kept = lines.map((line) => {
    const marker = fence.exec(line)?.[1];
    if (open) {
      // A fence closes with the same character, at least as long, and nothing after it.
      if (
        marker !== undefined &&
        marker[0] === open[0] &&
        marker.length >= open.length &&
        line.trim().endsWith(marker)
      ) {
        open = undefined;
      }
      return '';
    }
    if (marker) {
      open = marker;
      return '';
    }
    return line;
  });
  return kept.join('\n').replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/**
 * Calls `onSpan(start, end)` for each code span: a run of n backticks up to the next run of exactly
 * n, within one paragraph; an unmatched run is literal text.
 */
function forEachCodeSpan(text: string, onSpan: (start: number, end: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] !== '`') continue;
    let n = 1;
    while (text[i + n] === '`') n++;
    const closing = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
    closing.lastIndex = i + n;
    const close = closing.exec(text);
    const paragraphEnd = text.slice(i + n).search(/\n[ \t>]*\n/);
    if (close && (paragraphEnd < 0 || close.index < i + n + paragraphEnd)) {
      onSpan(i, close.index + n);
      i = close.index + n - 1;
    } else {
      i += n - 1;
    }
  }
}

function blankCodeSpans(text: string): string {
  let out = text;
  forEachCodeSpan(text, (start, end) => {
    out = out.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + out.slice(end);
  });
  return out;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The destination of an inline link whose `(` is at `open`, or undefined if it is not one. */
function destinationAt(text: string, open: number): string | undefined {
  let i = open + 1;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n') i++;
  if (text[i] === '<') {
    const end = text.indexOf('>', i);
    return end < 0 ? undefined : text.slice(i + 1, end);
  }
  let depth = 0;
  const start = i;
  for (; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth-- === 0) break;
    else if (/\s/.test(c)) break;
  }
  return text.slice(start, i);
}

/** Whether the `]` at `close` ends a bracketed link text, i.e. has a matching `[` before it. */
function closesLinkText(text: string, close: number): boolean {
  let depth = 0;
  for (let i = close - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '\n' && /\n[ \t>]*$/.test(text.slice(0, i))) return false;
    if (text[i - 1] === '\\') continue;
    if (c === ']') depth++;
    else if (c === '[' && depth-- === 0) return true;
  }
  return false;
}

/** Every link and image destination outside code, with its line. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const text = blankCodeSpans(withoutCodeBlocks(markdown));
  const links: MarkdownLink[] = [];
  for (const match of text.matchAll(/\]\(/g)) {
    if (text[match.index - 1] === '\\' || !closesLinkText(text, match.index)) continue;
    const target = destinationAt(text, match.index + 1);
    if (target) links.push({ target, line: lineAt(text, match.index) });
  }
  for (const match of text.matchAll(/^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))/gm)) {
    links.push({ target: match[1] ?? match[2] ?? '', line: lineAt(text, match.index) });
  }
  for (const match of text.matchAll(/<[a-z][^>]*?\s(?:href|src)\s*=\s*(["'])(.*?)\1/gi)) {
    links.push({ target: match[2] ?? '', line: lineAt(text, match.index) });
  }
  return links.sort((a, b) => a.line - b.line);
}

/** The text of every code span outside code blocks, with its line: where docs name files in passing. */
export function markdownCodeSpans(markdown: string): { code: string; line: number }[] {
  const text = withoutCodeBlocks(markdown);
  const spans: { code: string; line: number }[] = [];
  forEachCodeSpan(text, (start, end) => {
    spans.push({ code: text.slice(start, end).replace(/^`+ ?| ?`+$/g, ''), line: lineAt(text, start) });
  });
  return spans;
}

/** A heading's text as rendered: code spans' content kept, link and HTML markup and emphasis dropped. */
function renderedText(heading: string): string {
  let text = '';
  let last = 0;
  const plain = (part: string) =>
    part
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/\\([!-/:-@[-`{-~])/g, '$1')
      .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, '');
  forEachCodeSpan(heading, (start, end) => {
    text += plain(heading.slice(last, start)) + heading.slice(start, end).replace(/^`+ ?| ?`+$/g, '');
    last = end;
  });
  return text + plain(heading.slice(last));
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case; everything but letters, marks,
 * numbers, connector punctuation, spaces and hyphens removed; each space a hyphen.
 */
export function githubSlug(heading: string): string {
  return renderedText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-');
}

/** The anchors a link may name: one per heading (repeats get -1, -2, …), plus HTML ids and names. */
export function markdownAnchors(markdown: string): Set<string> {
  const lines = withoutCodeBlocks(markdown).split('\n');
  const headings: string[] = [];
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) headings.push(atx[1] ?? '');
    // A setext underline turns the paragraph line above it into a heading.
    const above = lines[i - 1] ?? '';
    const paragraph = above.trim() !== '' && !/^ {0,3}([#>|]|[-*+] |\d+[.)] |(`{3,}|~{3,}))/.test(above);
    if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && paragraph) headings.push(above.trim());
  });
  const anchors = new Set<string>();
  for (const heading of headings) {
    const slug = githubSlug(heading);
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  for (const match of lines.join('\n').matchAll(/<[a-z][^>]*?\s(?:id|name)\s*=\s*(["'])(.*?)\1/gi)) {
    anchors.add(match[2] ?? '');
  }
  return anchors;
}
