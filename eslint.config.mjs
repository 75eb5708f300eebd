// One flat config for every project; each project's `lint` target runs ESLint from its own root.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { moduleBoundaries } from './tools/setup/module-boundaries.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.local/**', '**/coverage/**', '**/cdk.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z']",
          message:
            "Use `import * as z from 'zod'`: esbuild cannot tree-shake the named `z`, and a Lambda bundle would carry every Zod locale (colinhacks/zod#6597).",
        },
      ],
    },
  },
  {
    // Command-line entry points and tests talk to a human on the terminal.
    files: ['**/cli.ts', '**/*.mjs', '**/bin/**', '**/*.test.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  ...moduleBoundaries(import.meta.dirname),
);
