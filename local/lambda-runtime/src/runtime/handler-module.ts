// Where Lambda's Node.js runtime finds a handler's module in the task root: `<module>.mjs`, `.js`,
// then `.cjs`. Node's own modules only: the runtime client imports this into the function's process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const HANDLER_MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

/** `index.handler` → `index` and `handler`; `lib/app.main` → `lib/app` and `main`. */
export function splitHandler(handler: string): { moduleName: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  return { moduleName: dot < 1 ? '' : handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

/** The file the handler's module is loaded from, or undefined when `root` has none. */
export function handlerModuleFile(root: string, handler: string): string | undefined {
  const { moduleName } = splitHandler(handler);
  if (!moduleName) return undefined;
  return HANDLER_MODULE_EXTENSIONS.map((extension) => join(root, moduleName + extension)).find(existsSync);
}
