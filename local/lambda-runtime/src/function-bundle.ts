// A function whose bundle was never built would otherwise start, and every invocation would fail
// with `spawn …/node ENOENT`, naming Node rather than the missing directory.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FunctionDefinition } from './function-definition.ts';
import { HANDLER_MODULE_EXTENSIONS, handlerModuleFile, splitHandler } from './runtime/handler-module.ts';

interface NxProject {
  name?: string;
  targets?: Record<string, { outputs?: string[] }>;
}

/** The nearest of `dir` and the directories above it that holds `file`. */
function nearestWith(file: string, dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, file))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The command that builds `codeDirectory`: the Nx target of the project it lies in whose `outputs`
 * name it (`{projectRoot}/dist`), e.g. `npx nx run upload-processor:bundle` for
 * apps/upload-processor/dist.
 */
export function bundleBuildCommand(codeDirectory: string): string | undefined {
  const dir = resolve(codeDirectory);
  const projectRoot = nearestWith('project.json', dir);
  if (!projectRoot) return undefined;
  const project = JSON.parse(readFileSync(join(projectRoot, 'project.json'), 'utf8')) as NxProject;
  const outputPath = (output: string) => resolve(output.replaceAll('{projectRoot}', projectRoot));
  const target = Object.entries(project.targets ?? {}).find(([, { outputs = [] }]) =>
    outputs.some((output) => outputPath(output) === dir),
  );
  return project.name && target ? `npx nx run ${project.name}:${target[0]}` : undefined;
}

/** Refuses a function whose code directory has no module for its handler, naming how to build it. */
export function assertBundleBuilt(fn: FunctionDefinition): void {
  if (handlerModuleFile(fn.codeDirectory, fn.handler)) return;
  const { moduleName } = splitHandler(fn.handler);
  const files = HANDLER_MODULE_EXTENSIONS.map((extension) => `${moduleName}${extension}`).join(', ');
  const build = bundleBuildCommand(fn.codeDirectory);
  throw new Error(
    `${fn.functionName}: no bundle in ${fn.codeDirectory} (handler ${fn.handler} needs one of ${files}); ` +
      (build ? `build it with \`${build}\`` : 'build the function into that directory first'),
  );
}
