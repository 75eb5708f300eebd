// The GitHub Actions workflows, checked offline: actionlint (syntax, expressions, runner labels,
// shell scripts' injection risks) and the project's own rules for credentials and pinning.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureActionlint } from '../bin/ensure-actionlint.ts';
import { defined, projectDir } from './assembly.ts';

const workflowDir = resolve(projectDir, '../../.github/workflows');
const files = readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name));

interface Step {
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const text: Record<string, string> = Object.fromEntries(
  files.map((file) => [file, readFileSync(resolve(workflowDir, file), 'utf8')]),
);
const workflows: Record<string, Workflow> = Object.fromEntries(
  Object.entries(text).map(([file, source]) => [file, parse(source) as Workflow]),
);
const workflow = (file: string) => defined(workflows[file], file);
const jobs = Object.entries(workflows).flatMap(([file, workflow]) =>
  Object.entries(workflow.jobs).map(([name, job]) => ({ file, name, job })),
);
const assumesRole = (job: Job) =>
  job.steps.some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));

it('there are the ci and deploy workflows', () => {
  expect(files.sort()).toEqual(['ci.yml', 'deploy.yml']);
});

describe('actionlint', () => {
  let actionlint: string;
  beforeAll(() => {
    actionlint = ensureActionlint();
  }, 300_000);

  it('finds nothing wrong with any workflow', () => {
    const result = spawnSync(actionlint, ['-no-color', ...files.map((file) => resolve(workflowDir, file))], {
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('would catch a script injection (the linter really runs)', () => {
    const injectable = [
      'on: issues',
      'permissions: {}',
      'jobs:',
      '  greet:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ github.event.issue.title }}"',
    ].join('\n');
    const result = spawnSync(actionlint, ['-no-color', '-'], { input: injectable, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('"github.event.issue.title" is potentially untrusted');
  });
});

describe.each(files)('%s', (file) => {
  const current = workflow(file);

  it('pins every action by full commit SHA with a version comment', () => {
    const uses = [...defined(text[file], file).matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref = '', rest] of uses) {
      if (ref.startsWith('./')) continue;
      expect(ref, ref).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      expect(rest, ref).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
    }
  });

  it('grants nothing at workflow level; every job states its own permissions', () => {
    expect(current.permissions).toEqual({});
    for (const [name, job] of Object.entries(current.jobs)) {
      expect(job.permissions, name).toBeTypeOf('object');
      expect(
        Object.values(job.permissions as object).every((level) => level === 'read' || level === 'write'),
        name,
      ).toBe(true);
    }
  });

  it('never runs on pull_request_target or workflow_run (events that hand PR code secrets)', () => {
    expect(Object.keys(current.on)).not.toContain('pull_request_target');
    expect(Object.keys(current.on)).not.toContain('workflow_run');
  });

  it('has a concurrency group', () => {
    expect(current.concurrency?.group).toMatch(/\S/);
  });

  it('never persists the checkout token and holds no stored AWS keys', () => {
    for (const { job } of jobs.filter((entry) => entry.file === file)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
        expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
    expect(text[file]).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\./);
  });
});

describe('credentials', () => {
  it('id-token: write is granted exactly to the jobs that assume a role', () => {
    const withToken = jobs.filter(
      ({ job }) => (job.permissions as Record<string, string>)['id-token'] === 'write',
    );
    const assuming = jobs.filter(({ job }) => assumesRole(job));
    expect(withToken.map(({ file, name }) => `${file}:${name}`).sort()).toEqual(
      assuming.map(({ file, name }) => `${file}:${name}`).sort(),
    );
    expect(assuming.map(({ name }) => name).sort()).toEqual(['deploy', 'diff', 'images']);
  });

  it('jobs that assume deploy run in the production environment (the role trusts nothing else)', () => {
    for (const { file, name, job } of jobs.filter(({ job }) => assumesRole(job))) {
      const roles = job.steps.map((step) => String(step.with?.['role-to-assume'] ?? '')).filter(Boolean);
      if (roles.some((role) => role.endsWith(':role/deploy'))) {
        expect(job.environment, `${file}:${name}`).toBe('production');
        expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      }
    }
  });

  it('the diff job assumes only diff, has no environment, and runs only for same-repository pull requests', () => {
    const { job } = defined(
      jobs.find(({ file, name }) => file === 'ci.yml' && name === 'diff'),
      'ci diff job',
    );
    expect(job.environment).toBeUndefined();
    const roles = job.steps.map((step) => step.with?.['role-to-assume']).filter(Boolean);
    expect(roles).toEqual(['arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/diff']);
    expect(job.if).toContain("github.event_name == 'pull_request'");
    expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('jobs that need the AWS account skip themselves until it is configured', () => {
    expect(defined(workflow('ci.yml').jobs.diff, 'diff').if).toContain("vars.AWS_ACCOUNT_ID != ''");
    const deployJobs = workflow('deploy.yml').jobs;
    expect(defined(deployJobs.test, 'deploy test').if).toBe("vars.AWS_ACCOUNT_ID != ''");
    expect(deployJobs.images).toMatchObject({ needs: 'test' });
    expect(deployJobs.deploy).toMatchObject({ needs: 'images' });
  });

  it('deploys only from pushes to main, one at a time, never cancelled half-way', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
  });

  it('ci keeps the README test command', () => {
    const test = defined(workflow('ci.yml').jobs.test, 'ci test job');
    expect(test.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm test']);
  });
});

describe('toolchains and the compose job', () => {
  it('every setup-go installs the one Go version the README states (MIN_GO), every setup-node caches npm', () => {
    // The minimum check-go.mjs enforces and the README states: `export const MIN_GO = [1, 26];`.
    const checkGo = readFileSync(resolve(projectDir, '../../tools/setup/check-go.mjs'), 'utf8');
    const MIN_GO = /export const MIN_GO = \[(\d+), (\d+)\]/.exec(checkGo)?.slice(1) ?? [];
    expect(MIN_GO).toHaveLength(2);
    const steps = jobs.flatMap(({ file, name, job }) =>
      job.steps.map((step) => ({ where: `${file}:${name}`, step })),
    );
    const go = steps.filter(({ step }) => step.uses?.startsWith('actions/setup-go@'));
    expect(go.length).toBeGreaterThan(0);
    for (const { where, step } of go) expect(String(step.with?.['go-version']), where).toBe(MIN_GO.join('.'));
    for (const { where, step } of steps.filter(({ step }) => step.uses?.startsWith('actions/setup-node@'))) {
      expect(step.with?.cache, where).toBe('npm');
    }
  });

  it('ci runs the compose system on GitHub: up --build --wait, the demo, the reporter, down whatever happened', () => {
    const { job } = defined(
      jobs.find(({ file, name }) => file === 'ci.yml' && name === 'compose'),
      'ci compose job',
    );
    const runs = job.steps.map((step) => step.run ?? '');
    expect(runs).toContain('docker compose up --detach --build --wait --wait-timeout 300');
    expect(runs).toContain('npm run demo:compose');
    expect(runs).toContain('docker compose run --rm --no-deps usage-reporter');
    const down = job.steps.find((step) => step.run?.includes(' down '));
    expect(down).toMatchObject({ if: 'always()' });
    expect(job.permissions).toEqual({ contents: 'read' });
  });
});
