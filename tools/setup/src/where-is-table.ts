// The root README's "Where is…" table: a question, a linked file, the functions that answer it.
// Read by a test so that a renamed or moved function cannot leave the table pointing at nothing.

export interface WhereIsRow {
  question: string;
  /** The link's destination, relative to the README. */
  file: string;
  functions: string[];
}

/** The rows of the table under the `## Where is…` heading (none if there is no such heading). */
export function whereIsRows(readme: string): WhereIsRow[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Where is…')) ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('|'));
  // The first two are the header and the delimiter row.
  return rows.slice(2).map((row) => {
    const [question = '', file = '', functions = ''] = row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    return {
      question,
      file: /\]\(([^)\s]+)\)/.exec(file)?.[1] ?? '',
      functions: [...functions.matchAll(/`([^`]+)`/g)].map(([, name = '']) => name),
    };
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `source` defines `name`: a function, class, variable, or a method (a line that starts
 * with the name and its parameter list, after any modifiers).
 */
export function declares(source: string, name: string): boolean {
  const n = escape(name);
  return new RegExp(
    `(?:function\\*?|class|const|let|var)\\s+${n}(?![\\w$])` +
      `|^[ \\t]*(?:(?:static|async|get|set|public|private|protected|override)\\s+)*${n}\\s*(?:<[^>]*>)?\\(`,
    'm',
  ).test(source);
}
