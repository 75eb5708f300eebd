// The layering, enforced by ESLint from the `type:` tag in each project.json: what deploys (apps,
// libs, infra) never imports a local stand-in for AWS or test tooling, an app never imports another
// app, and only test support (test/, *.test.ts, src/testing/) may reach across. The same rule Nx's
// enforce-module-boundaries expresses with depConstraints, without its build-tool dependencies.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the source of a project of each type may import, by the type of the imported project. */
export const mayImport = {
  'type:app': ['type:lib'],
  'type:lib': ['type:lib'],
  'type:infra': ['type:lib', 'type:infra'],
  'type:local': ['type:lib', 'type:local', 'type:tooling'],
  'type:tooling': ['type:lib', 'type:local', 'type:tooling'],
  'type:bench': ['type:app', 'type:lib', 'type:local', 'type:tooling'],
};

/**
 * Test support may also use the stand-ins and the test tooling; outside apps it may read an app's
 * own schemas (a manifest or compose file checked against the config the app parses). An app's
 * tests never import another app.
 */
const testSupportMayAlsoImport = (type) =>
  type === 'type:app' ? ['type:local', 'type:tooling'] : ['type:app', 'type:local', 'type:tooling'];
export const testSupportGlobs = ['test/**', '**/*.test.ts', 'src/testing/**'];

/** Every workspace project: its directory, package name and type tag. */
export function workspaceProjects(root) {
  const projects = [];
  for (const group of readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    if (group.name.startsWith('.') || group.name === 'node_modules') continue;
    for (const entry of readdirSync(join(root, group.name), { withFileTypes: true })) {
      const dir = `${group.name}/${entry.name}`;
      if (!entry.isDirectory() || !existsSync(join(root, dir, 'project.json'))) continue;
      const project = JSON.parse(readFileSync(join(root, dir, 'project.json'), 'utf8'));
      const manifest = join(root, dir, 'package.json');
      const packageName = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).name : undefined;
      const type = (project.tags ?? []).find((tag) => tag.startsWith('type:'));
      projects.push({ dir, name: project.name, packageName, type });
    }
  }
  return projects;
}

function restriction(project, forbidden) {
  if (forbidden.length === 0) return 'off';
  return [
    'error',
    {
      patterns: forbidden.map((other) => ({
        group: [other.packageName, `${other.packageName}/*`],
        message: `${project.dir} (${project.type}) may not import ${other.dir} (${other.type}); see local/README.md for the layering.`,
      })),
    },
  ];
}

/** Flat-config blocks, one for each project's source and one for its test support. */
export function moduleBoundaries(root) {
  const projects = workspaceProjects(root);
  const packages = projects.filter((project) => project.packageName);
  return projects.flatMap((project) => {
    const allowed = mayImport[project.type] ?? [];
    const others = packages.filter((other) => other.packageName !== project.packageName);
    const forbiddenInSource = others.filter((other) => !allowed.includes(other.type));
    const forbiddenInTests = forbiddenInSource.filter(
      (other) => !testSupportMayAlsoImport(project.type).includes(other.type),
    );
    const files = [`${project.dir}/**/*.ts`, `${project.dir}/**/*.mjs`];
    return [
      {
        files,
        ignores: testSupportGlobs.map((glob) => `${project.dir}/${glob}`),
        rules: { 'no-restricted-imports': restriction(project, forbiddenInSource) },
      },
      {
        files: testSupportGlobs.map((glob) => `${project.dir}/${glob}`),
        rules: { 'no-restricted-imports': restriction(project, forbiddenInTests) },
      },
    ];
  });
}
