// The blocks of docs/flows/ecr-images.md this project keeps true: `<!-- registry: <label> -->`
// above a fenced block, and the repository policy (`<!-- repository-policy -->`). In the text,
// `<port>`, `<task id>` and the like stand for what changes from run to run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const flowPage = resolve(import.meta.dirname, '../../../../docs/flows/ecr-images.md');

export function pageBlock(marker: string): string {
  const text = readFileSync(flowPage, 'utf8');
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<!-- ${escaped} -->\\n\\n?\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  if (!match?.[1]) throw new Error(`no <!-- ${marker} --> block in ${flowPage}`);
  return match[1];
}

/** The block as a pattern: placeholders match one run of characters without space, quote, slash or angle bracket. */
export function documented(marker: string): RegExp {
  const parts = pageBlock(marker).split(/(<[a-z][a-z ]*>)/);
  return new RegExp(
    parts
      .map((part, index) => (index % 2 === 1 ? `[^\\s'"/<>]+` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
}
