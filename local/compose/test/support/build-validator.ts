// Vitest global setup: the compose validator is compiled once per run, before any test file loads it.
import { buildComposeCheck } from '../../src/index.ts';

export default function setup(): void {
  buildComposeCheck();
}
