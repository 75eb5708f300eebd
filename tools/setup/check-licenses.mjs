#!/usr/bin/env node
// Fails when any installed dependency carries a licence outside the allow-lists below, so a
// copyleft (GPL/AGPL/LGPL/SSPL…) package can never slip into the template unnoticed.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import satisfies from 'spdx-satisfies';
import { emulatorNames, installs } from './emulator-venvs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const permissive = [
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'Python-2.0',
  'CC0-1.0',
  'CC-BY-3.0',
  'CC-BY-4.0',
  'Unlicense',
  'Zlib',
];
// Build and test tools only (lightningcss, pulled in by Vitest's Vite): MPL-2.0 is file-level
// copyleft that binds changes to those files, which we neither ship nor modify.
const devToolsOnly = ['MPL-2.0'];

// npm packages whose licence field is not an SPDX expression, read by a human; pinned to the
// version reviewed, so a new release is looked at again.
const reviewedNpm = [
  // samlify (the local SAML IdP) brings it. Its package.json says "MIT License"; LICENSE is the MIT text.
  'xml-escape@1.1.0',
];

// Some older packages still use the deprecated `licenses: [{ type }]` array.
const licenceOf = (p) => p.license ?? p.licenses?.map((l) => l.type).join(' OR ');

function disallowed(selector, allowed) {
  // `npm query` prints every package's whole manifest: well past execFileSync's 1 MiB default.
  const packages = JSON.parse(
    execFileSync('npm', ['query', selector], { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }),
  );
  return packages
    .filter((p) => !reviewedNpm.includes(`${p.name}@${p.version}`))
    .filter((p) => {
      try {
        return !satisfies(String(licenceOf(p)), allowed);
      } catch {
        return true; // missing or unparsable licence: a human must look
      }
    })
    .map((p) => `${p.name}@${p.version}: ${licenceOf(p) ?? 'no licence'}`);
}

function checkNpm(label, selector, allowed) {
  const bad = [...new Set(disallowed(selector, allowed))];
  if (bad.length)
    console.error(`licences: ${label} dependencies outside the allow-list:\n  ${bad.join('\n  ')}`);
  else console.log(`licences: ${label} npm dependencies OK`);
  return bad.length === 0;
}

// The emulators' virtualenvs are installed by the project too, so their licences count as well.
// A distribution named on the command line (`name==version`) was reviewed and is let through.
const pythonCheck = `
import importlib.metadata as md, re, sys
reviewed = set(sys.argv[1:])
bad = []
for d in md.distributions():
    meta = d.metadata
    if f"{meta['Name'].lower()}=={meta['Version']}" in reviewed:
        continue
    texts = [meta.get('License-Expression') or '', meta.get('License') or ''] + meta.get_all('Classifier', [])
    joined = ' '.join(t for t in texts if t)
    if re.search(r'\\b(A|L)?GPL|GNU (Affero |Lesser )?General Public|SSPL', joined) and not re.search(r'\\bOR\\b', joined):
        bad.append(f"{meta['Name']}: {joined[:120]}")
print('\\n'.join(bad)); sys.exit(1 if bad else 0)
`;

// Each pinned to the version reviewed, so a new release is looked at again.
const reviewedPython = [
  // The awscli (LocalStack's, and moto's venv's) brings it. Its metadata names GPL 3 for tools/editors/emacs/rst.el, which
  // the wheel does not install; the rest is public domain, BSD-2-Clause or Python-2.1.1 (COPYING.txt).
  'docutils==0.19',
];

function checkPython(emulator) {
  const venv = installs[emulator].venv;
  const result = spawnSync(join(root, venv, 'bin', 'python'), ['-c', pythonCheck, ...reviewedPython], {
    encoding: 'utf8',
  });
  if (result.error) {
    console.error(`licences: ${venv} is missing: run \`npm run setup -- --emulators all\``);
    return false;
  }
  if (result.status !== 0) {
    console.error(`licences: copyleft Python packages in ${venv}:\n${result.stdout}${result.stderr}`);
    return false;
  }
  console.log(`licences: ${emulator} virtualenv OK`);
  return true;
}

const ok = [
  checkNpm('production', '.prod:not(.workspace)', permissive),
  checkNpm('development', '.dev:not(.workspace)', [...permissive, ...devToolsOnly]),
  ...emulatorNames.map(checkPython),
].every(Boolean);
process.exit(ok ? 0 : 1);
