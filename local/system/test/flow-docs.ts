// Reads the blocks of docs/flows/*.md that flow-docs.test.ts keeps true. A block is an HTML
// comment naming what it is, directly above a fenced code block:
//   <!-- policy: <role> [<role> …] <trust|permissions> -->  a policy document from the IAM model
//   <!-- failure: <id> --> / <!-- output: <id> -->         text the code prints for an experiment
//   <!-- example: <name> -->                                code the page tells you to run
//   <!-- policy-parameters -->                              the IamModelParams the policies use
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@keyless/local-platform';

export const flowDocsDir = join(repoRoot, 'docs', 'flows');

export interface MarkedBlock {
  page: string;
  kind: 'policy' | 'failure' | 'output' | 'example' | 'policy-parameters';
  label: string;
  body: string;
  /** The last ```sh block above this one on the same page: the commands that produce it. */
  commands: string;
}

const BLOCK =
  /<!-- (policy-parameters|policy|failure|output|example)(?:: ([^>]*?))? -->\n\n?```\w*\n([\s\S]*?)\n```/g;
const SHELL_BLOCK = /```sh\n([\s\S]*?)\n```/g;

export function readPages(): Map<string, string> {
  const names = readdirSync(flowDocsDir).filter((name) => name.endsWith('.md'));
  return new Map(names.map((name) => [name, readFileSync(join(flowDocsDir, name), 'utf8')]));
}

export function readMarkedBlocks(pages: Map<string, string>): MarkedBlock[] {
  return [...pages].flatMap(([page, text]) =>
    [...text.matchAll(BLOCK)].map((match) => {
      const before = text.slice(0, match.index);
      const shell = [...before.matchAll(SHELL_BLOCK)].at(-1)?.[1] ?? '';
      return {
        page,
        kind: match[1] as MarkedBlock['kind'],
        label: (match[2] ?? '').trim(),
        body: match[3] ?? '',
        commands: shell,
      };
    }),
  );
}

/**
 * The documented text as a pattern: `<port>`, `<task id>` and the like stand for values that
 * change from run to run (one run of characters that are not space, quote, slash or angle
 * bracket); everything else must match exactly.
 */
export function snippetPattern(snippet: string): RegExp {
  const parts = snippet.split(/(<[a-z][a-z ]*>)/);
  const pattern = parts
    .map((part, index) => (index % 2 === 1 ? `[^\\s'"/<>]+` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(pattern);
}

/** The JavaScript program inside the README's `may() { npx node --input-type=module -e '…' "$@"; }`. */
export function mayProgram(shell: string): string {
  const program = /--input-type=module -e '\n([\s\S]*?)\n\s*' "\$@"/.exec(shell)?.[1];
  if (!program) throw new Error('no may() program in the block');
  return program;
}

/** The argument lists of the `may <role> <action> <resource>` lines of a shell block. */
export function mayCalls(shell: string): string[][] {
  return shell
    .split('\n')
    .filter((line) => line.startsWith('may '))
    .map((line) => line.split(/\s+/).slice(1));
}
