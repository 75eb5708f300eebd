// Claims shaped like those of GitHub Actions' OIDC tokens (docs.github.com, "OpenID Connect
// reference"), so trust policies written for token.actions.githubusercontent.com can be tried locally.
import { createHash } from 'node:crypto';
import type { TokenMinter } from '../contracts.ts';

export interface GithubWorkflowRun {
  owner: string;
  repo: string;
  event: 'push' | 'pull_request';
  /** Defaults to `refs/heads/main` for push and `refs/pull/1/merge` for pull_request. */
  ref?: string;
  /** The job's deployment environment; when set it decides the subject, as on GitHub. */
  environment?: string;
  /** Workflow file under .github/workflows; defaults to `deploy.yml`. */
  workflowFile?: string;
  actor?: string;
  /** Numeric IDs; stable values derived from the names when omitted. */
  ownerId?: string;
  repositoryId?: string;
  /**
   * The immutable subject format (`repo:<owner>@<owner_id>/<repo>@<repository_id>:…`), the
   * default for repositories created after 2026-06-18 or opted in.
   */
  immutableSubject?: boolean;
}

export type GithubClaims = Record<string, string> & { sub: string };

function numericId(...parts: string[]): string {
  return String(createHash('sha256').update(parts.join('/')).digest().readUInt32BE(0));
}

function hexDigest(...parts: string[]): string {
  return createHash('sha1').update(parts.join('/')).digest('hex');
}

export function githubClaims(run: GithubWorkflowRun): GithubClaims {
  const { owner, repo, event, environment } = run;
  const ref = run.ref ?? (event === 'pull_request' ? 'refs/pull/1/merge' : 'refs/heads/main');
  const ownerId = run.ownerId ?? numericId('owner', owner);
  const repositoryId = run.repositoryId ?? numericId('repository', owner, repo);
  const repository = run.immutableSubject
    ? `${owner}@${ownerId}/${repo}@${repositoryId}`
    : `${owner}/${repo}`;
  const context =
    environment !== undefined
      ? `environment:${environment}`
      : event === 'pull_request'
        ? 'pull_request'
        : `ref:${ref}`;
  const workflowFile = run.workflowFile ?? 'deploy.yml';
  const workflowRef = `${owner}/${repo}/.github/workflows/${workflowFile}@${ref}`;
  const actor = run.actor ?? owner;
  return {
    sub: `repo:${repository}:${context}`,
    repository: `${owner}/${repo}`,
    repository_id: repositoryId,
    repository_owner: owner,
    repository_owner_id: ownerId,
    repository_visibility: 'private',
    actor,
    actor_id: numericId('actor', actor),
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ...(environment !== undefined && { environment }),
    event_name: event,
    workflow: workflowFile.replace(/\.ya?ml$/, ''),
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    sha: hexDigest('sha', owner, repo, ref),
    run_id: numericId('run', owner, repo, ref),
    run_number: '1',
    run_attempt: '1',
    runner_environment: 'github-hosted',
  };
}

export interface GithubTokenOptions {
  /** `sts.amazonaws.com` is what aws-actions/configure-aws-credentials requests. */
  audience?: string;
  /** GitHub's tokens are short-lived; 5 minutes here. */
  expiresInSeconds?: number;
}

export function mintGithubToken(
  minter: TokenMinter,
  { sub, ...claims }: GithubClaims,
  options: GithubTokenOptions = {},
): Promise<string> {
  return minter.mint({
    subject: sub,
    audience: options.audience ?? 'sts.amazonaws.com',
    expiresInSeconds: options.expiresInSeconds ?? 300,
    extraClaims: claims,
  });
}
