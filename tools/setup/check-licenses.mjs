#!/usr/bin/env node
// Fails when any installed dependency carries a licence outside the allow-lists below, so a
// copyleft (GPL/AGPL/LGPL/SSPL…) package can never slip into the template unnoticed.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import satisfies from 'spdx-satisfies';

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

// Some older packages still use the deprecated `licenses: [{ type }]` array.
const licenceOf = (p) => p.license ?? p.licenses?.map((l) => l.type).join(' OR ');

function disallowed(selector, allowed) {
  const packages = JSON.parse(execFileSync('npm', ['query', selector], { cwd: root, encoding: 'utf8' }));
  return packages
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

// The emulator's virtualenv is installed by the project too, so its licences count as well.
const pythonCheck = `
import importlib.metadata as md, re, sys
bad = []
for d in md.distributions():
    meta = d.metadata
    texts = [meta.get('License-Expression') or '', meta.get('License') or ''] + meta.get_all('Classifier', [])
    joined = ' '.join(t for t in texts if t)
    if re.search(r'\\b(A|L)?GPL|GNU (Affero |Lesser )?General Public|SSPL', joined) and not re.search(r'\\bOR\\b', joined):
        bad.append(f"{meta['Name']}: {joined[:120]}")
print('\\n'.join(bad)); sys.exit(1 if bad else 0)
`;

function checkPython() {
  const result = spawnSync(join(root, '.local', 'venv', 'bin', 'python'), ['-c', pythonCheck], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(`licences: copyleft Python packages in .local/venv:\n${result.stdout}${result.stderr}`);
    return false;
  }
  console.log('licences: emulator virtualenv OK');
  return true;
}

const ok = [
  checkNpm('production', '.prod:not(.workspace)', permissive),
  checkNpm('development', '.dev:not(.workspace)', [...permissive, ...devToolsOnly]),
  checkPython(),
].every(Boolean);
process.exit(ok ? 0 : 1);
