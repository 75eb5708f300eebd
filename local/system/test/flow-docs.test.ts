// Keeps docs/flows true. Every policy block must be what the IAM model builds with the parameters
// the docs state. Every failure or output the docs show must be in what the code produces: each
// experiment runs here for real, against one local system, in the way the page tells the
// reader to (the page's example scripts and `may` lines as written, the model edits applied to
// the running emulator's roles, `npm run break-policy` as the page runs it, and every workload
// given the permission gate as its AWS endpoint).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { adminClients, type AdminClients } from '@keyless/emulator-admin';
import { buildIamModel, validateRole, type IamModelParams, type RoleDefinition } from '@keyless/iam-model';
import {
  evaluateIdentityPolicies,
  evaluateTrustPolicy,
  type PolicyDocument,
  type Statement,
} from '@keyless/iam-policy';
import { mintServiceAccountToken, POD_IDENTITY_AUDIENCE, withoutScheme } from '@keyless/identity-plane';
import { repoRoot } from '@keyless/local-platform';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { breakPolicy, restorePolicy } from '../src/break-policy.ts';
import { credentialProcessCommand } from '../src/sso-command.ts';
import { signInWithSaml } from '../src/sso.ts';
import { writePlatformFile } from '../src/platform-file.ts';
import { describeOutcome, rehearsals, rehearse } from '../src/rehearse-deploy.ts';
import { localStateDir } from '../src/system-config.ts';
import {
  mayCalls,
  mayProgram,
  readMarkedBlocks,
  readPages,
  snippetPattern,
  type MarkedBlock,
} from './flow-docs.ts';
import { startTestSystem } from './system-fixture.ts';
import { emulatorSuite } from '@keyless/testing/emulator-suite';
import { systemNeeds } from '../src/index.ts';

emulatorSuite(systemNeeds, () => {
  const run = promisify(execFile);
  const pages = readPages();
  const blocks = readMarkedBlocks(pages);
  const ofKind = (kind: MarkedBlock['kind']) => blocks.filter((block) => block.kind === kind);
  const example = (name: string) => {
    const block = ofKind('example').find((b) => b.label === name);
    if (!block) throw new Error(`no <!-- example: ${name} --> in docs/flows`);
    return block.body;
  };
  const docParams = JSON.parse(ofKind('policy-parameters')[0]?.body ?? '{}') as IamModelParams;
  const workload = join(import.meta.dirname, 'fixtures/read-secret.ts');

  let fixture: Awaited<ReturnType<typeof startTestSystem>>;
  let admin: AdminClients;
  let platformFile: string;
  let scratch: string;

  beforeAll(async () => {
    fixture = await startTestSystem();
    const { description } = fixture.system;
    admin = adminClients({ endpoint: description.endpoints.aws, region: description.region });
    platformFile = join(fixture.dir, 'platform.json');
    await writePlatformFile(platformFile, description);
    // Inside the repository, so the examples resolve @keyless/* as they do from its root.
    mkdirSync(localStateDir, { recursive: true });
    scratch = mkdtempSync(join(localStateDir, 'flow-docs-'));
  });
  afterAll(async () => {
    for (const client of Object.values(admin ?? {})) client.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    await fixture?.stop();
  });

  const output = (result: { stdout?: string; stderr?: string }) =>
    `${result.stdout ?? ''}${result.stderr ?? ''}`;

  /** Runs a page's example script (after the edits the page asks for) as the reader would, from the repository root. */
  let examples = 0;
  async function runExample(name: string, edits: [from: string, to: string][] = []): Promise<string> {
    let code = example(name);
    for (const [from, to] of edits) {
      expect(code, `the ${name} example no longer contains what the page tells the reader to edit`).toContain(
        from,
      );
      code = code.replace(from, to);
    }
    const file = join(scratch, `${examples++}-${name}`);
    writeFileSync(file, code);
    const env = { PATH: process.env.PATH, HOME: fixture.dir, KEYLESS_PLATFORM_FILE: platformFile };
    return output(
      await run(process.execPath, [file], { cwd: repoRoot, env }).catch((error: unknown) => error as object),
    );
  }

  /**
   * The test workload with nothing but these variables (and region, and the permission gate as its
   * AWS and STS endpoint), as on the IRSA page. A variable set to undefined is left out.
   */
  async function runWorkload(variables: Record<string, string | undefined>): Promise<string> {
    const { description } = fixture.system;
    const env = Object.fromEntries(
      Object.entries({
        PATH: process.env.PATH,
        HOME: fixture.dir,
        AWS_REGION: description.region,
        AWS_ENDPOINT_URL: description.identity.gateEndpoint,
        AWS_ENDPOINT_URL_STS: description.identity.gateEndpoint,
        ...variables,
      }).filter(([, value]) => value !== undefined),
    );
    return output(
      await run(process.execPath, [workload], { env }).catch((error: unknown) => error as object),
    );
  }

  /** The IRSA workload with this token in its token file; `endpoints` replace the gate's. */
  async function irsaWorkloadWithToken(
    token: string,
    endpoints: {
      AWS_ENDPOINT_URL?: string;
      AWS_ENDPOINT_URL_STS?: string | undefined;
      LEDGER_PROXY_ENDPOINT?: undefined;
    } = {},
  ): Promise<string> {
    const { identity } = fixture.system.description;
    const file = join(scratch, `token-${examples++}`);
    writeFileSync(file, token);
    return runWorkload({
      AWS_ROLE_ARN: identity.irsa.AWS_ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: file,
      ...throughLedgerProxy(),
      ...endpoints,
    });
  }

  /**
   * The page's `npm run break-policy -- <role> <Sid>` (the last one in the commands above the
   * block) around the experiment, then `--restore`, as the running system's IAM sees them. The
   * gate reads role policies again after a second, so each waits that long.
   */
  async function withPolicyBroken(commands: string, experiment: () => Promise<string>): Promise<string> {
    const [, role = '', sid = ''] = /npm run break-policy -- (\S+) (\S+)/.exec(commands) ?? [];
    expect(sid, 'no `npm run break-policy -- <role> <Sid>` above the block').not.toBe('');
    const { description } = fixture.system;
    await breakPolicy(description, platformFile, role, sid);
    try {
      await sleep(1_200);
      return await experiment();
    } finally {
      await restorePolicy(description, platformFile, role);
      await sleep(1_200);
    }
  }

  /** `npm run trail -- --denied`, on the test system's trail file. */
  async function deniedInTrail(): Promise<string> {
    const cli = join(repoRoot, 'local/permission-gate/src/trail/trail-cli.ts');
    const file = fixture.system.description.identity.trailFile;
    return output(
      await run(process.execPath, [cli, '--file', file, '--denied'], { cwd: repoRoot }).catch(
        (error: unknown) => error as object,
      ),
    );
  }

  /** The README's `may` helper, run with the arguments of each `may` line above the block. */
  async function may(commands: string): Promise<string> {
    const program = mayProgram(example('may'));
    const answers = [];
    for (const args of mayCalls(commands)) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program, ...args], {
        cwd: repoRoot,
      });
      answers.push(stdout);
    }
    return answers.join('');
  }

  async function trustPolicyOf(role: string): Promise<PolicyDocument> {
    const { Role } = await admin.iam.send(new GetRoleCommand({ RoleName: role }));
    return JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')) as PolicyDocument;
  }

  /** A model edit the page asks for, applied to the running system's role as a restart of npm start would. */
  async function withTrustPolicy<T>(
    role: string,
    edited: (policy: PolicyDocument) => PolicyDocument | Promise<PolicyDocument>,
    experiment: () => Promise<T>,
  ): Promise<T> {
    const original = await trustPolicyOf(role);
    const update = (policy: PolicyDocument) =>
      admin.iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(policy) }),
      );
    await update(await edited(structuredClone(original)));
    try {
      return await experiment();
    } finally {
      await update(original);
    }
  }

  function statement(policy: PolicyDocument, sid: string): Statement {
    const found = policy.Statement.find((s) => s.Sid === sid);
    if (!found) throw new Error(`no statement ${sid}`);
    return found;
  }

  const stringEquals = (s: Statement) => (s.Condition?.StringEquals ?? {}) as Record<string, string>;

  async function curlFormat(response: Response): Promise<string> {
    return `${await response.text()}\nHTTP ${response.status}`;
  }

  /** What `assume "$(token '<query>')"` on the GitHub page does: a local ID token, exchanged for deploy. */
  async function githubAssume(commands: string): Promise<string> {
    const query = /token '([^']+)'/.exec(commands)?.[1];
    if (!query) throw new Error('no token query in the commands above the block');
    const { identity, resources } = fixture.system.description;
    const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = identity.github;
    const minted = await fetch(`${url}?${query}`, { headers: { authorization: `Bearer ${bearer}` } });
    const { value } = (await minted.json()) as { value: string };
    const body = new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: resources.roles.deploy ?? '',
      RoleSessionName: 'try',
      WebIdentityToken: value,
    });
    return curlFormat(await fetch(identity.gateEndpoint, { method: 'POST', body }));
  }

  const decisionLines = () => fixture.lines.map((line) => JSON.stringify(line)).join('\n');

  /** Each run once, however many blocks it backs. */
  const memo = new Map<string, Promise<string>>();
  const once = (key: string, produce: () => Promise<string>) => () => {
    if (!memo.has(key)) memo.set(key, produce());
    return memo.get(key) as Promise<string>;
  };

  const ecsExample = once('ecs', () => runExample('ecs-example.ts'));
  const ecsWrongToken = once('ecs-wrong-token', () =>
    runExample('ecs-example.ts', [
      ['...task.environment,', "...task.environment,\n    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'guess',"],
    ]),
  );
  const ecsUnknownTask = once('ecs-unknown', async () => {
    const { ecsCredentialsEndpoint } = fixture.system.description.identity;
    return curlFormat(await fetch(`${ecsCredentialsEndpoint}/v2/credentials/no-such-task`));
  });
  const ecsOtherAccount = once('ecs-other-account', () =>
    withTrustPolicy(
      'ledger-worker',
      (policy) => {
        stringEquals(statement(policy, 'EcsTasksOfThisAccount'))['aws:SourceAccount'] = '111122223333';
        return policy;
      },
      () => runExample('ecs-example.ts'),
    ),
  );
  const lambdaExample = once('lambda', () => runExample('lambda-example.ts'));
  const podExample = once('pod', () => runExample('pod-identity-example.ts'));
  const podOtherServiceAccount = once('pod-api', () =>
    runExample('pod-identity-example.ts', [
      [
        "serviceAccount: 'usage-reporter',\n  audience: POD_IDENTITY_AUDIENCE,",
        "serviceAccount: 'api',\n  audience: POD_IDENTITY_AUDIENCE,",
      ],
    ]),
  );
  const ec2Example = once('ec2', () => runExample('ec2-example.ts'));
  const ec2Untrusted = once('ec2-lambda', () =>
    runExample('ec2-example.ts', [
      ["Principal: { Service: 'ec2.amazonaws.com' }", "Principal: { Service: 'lambda.amazonaws.com' }"],
    ]),
  );
  /** Taking away the permission the page's workload needs: the run, then `npm run trail -- --denied`. */
  const permissionTakenAway = (page: string, produce: () => Promise<string>) => {
    const label = `${page}-permission`;
    const { commands = '' } = ofKind('failure').find((b) => b.label === label) ?? {};
    const broken = once(label, () => withPolicyBroken(commands, produce));
    return {
      run: broken,
      trail: async () => {
        await broken();
        return deniedInTrail();
      },
    };
  };
  // The page's workload: the ledger through its proxy, with an IAM token of the role.
  const throughLedgerProxy = () => {
    const { identity } = fixture.system.description;
    return { NODE_EXTRA_CA_CERTS: identity.caFile, LEDGER_PROXY_ENDPOINT: identity.ledgerProxy.endpoint };
  };
  const irsaWorkload = () => {
    const { identity } = fixture.system.description;
    return runWorkload({ ...identity.irsa, ...throughLedgerProxy() });
  };
  const ecsPermission = permissionTakenAway('ecs', () => runExample('ecs-example.ts'));
  const irsaPermission = permissionTakenAway('irsa', irsaWorkload);
  const irsaOtherServiceAccount = once('irsa-api', async () => {
    const token = await mintServiceAccountToken(fixture.system.issuers.eks, {
      namespace: 'keyless',
      serviceAccount: 'api',
    });
    return irsaWorkloadWithToken(token);
  });

  /** `npm run sso -- <user>` against the running system: what it prints, or `sso failed: …` as cli.ts prints it. */
  async function sso(username: string, idpClockSkewSeconds?: number): Promise<string> {
    writeFileSync(join(scratch, 'empty.json'), '{}');
    return signInWithSaml(fixture.system.description, {
      username,
      role: 'developer',
      configFile: join(scratch, 'aws-config'),
      cacheDir: join(scratch, 'sso'),
      credentialProcess: credentialProcessCommand,
      ...(idpClockSkewSeconds !== undefined && { idpClockSkewSeconds }),
    }).then(
      (session) => `${username} is ${session.assumedRoleArn}`,
      (error: unknown) => `sso failed: ${(error as Error).message}`,
    );
  }

  /** How each documented failure or output is produced: id → (the block) → what the code printed. */
  const experiments: Record<string, (block: MarkedBlock) => Promise<string>> = {
    'may-allowed': (block) => may(block.commands),

    'ecs-example': ecsExample,
    'ecs-wrong-token': ecsWrongToken,
    'ecs-wrong-token-log': ecsWrongToken,
    'ecs-unknown-task': ecsUnknownTask,
    'ecs-unknown-task-log': async () => {
      await ecsUnknownTask();
      return decisionLines();
    },
    'ecs-source-account': ecsOtherAccount,
    'ecs-source-account-log': ecsOtherAccount,
    'ecs-reader-secret': (block) => may(block.commands),
    'ecs-permission': ecsPermission.run,
    'ecs-permission-trail': ecsPermission.trail,

    'lambda-example': lambdaExample,
    'lambda-example-workload': lambdaExample,
    'lambda-trust-ecs': () =>
      withTrustPolicy(
        'upload-processor',
        () => trustPolicyOf('api'), // ecsTasks(params), as the page's edit makes it
        () => runExample('lambda-example.ts'),
      ),
    'lambda-explicit-deny': (block) => may(block.commands),
    'lambda-deny-beats-allow': async (block) => {
      // The page's edit, made to the model `may` builds: DerivedFiles after OnFailureDestination.
      const role = buildIamModel(docParams).roles.find((r) => r.name === 'upload-processor');
      const policy = structuredClone(role?.policies.permissions) as PolicyDocument;
      const at = policy.Statement.findIndex((s) => s.Sid === 'OnFailureDestination') + 1;
      policy.Statement.splice(at, 0, {
        Sid: 'DerivedFiles',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: `arn:aws:s3:::${docParams.names.bucket}/*`,
      });
      return mayCalls(block.commands)
        .map(([, action = '', resource = '']) =>
          evaluateIdentityPolicies({ permissions: policy }, { action, resource }),
        )
        .map((result) => `${result.reason}\n`)
        .join('');
    },

    'irsa-workload': irsaWorkload,
    'irsa-permission': irsaPermission.run,
    'irsa-permission-trail': irsaPermission.trail,
    'irsa-wrong-service-account': irsaOtherServiceAccount,
    'irsa-wrong-service-account-log': async () => {
      await irsaOtherServiceAccount();
      return decisionLines();
    },
    'irsa-wrong-audience': async () =>
      irsaWorkloadWithToken(
        await mintServiceAccountToken(fixture.system.issuers.eks, {
          namespace: 'keyless',
          serviceAccount: 'usage-reporter',
          audience: POD_IDENTITY_AUDIENCE,
        }),
      ),
    'irsa-unpinned-sub': async () => {
      // The page deletes the sub line from webIdentity(): every web-identity statement loses its
      // sub pin, and buildIamModel validates the roles in order, as npm start's bootstrap runs it.
      const { description, issuers } = fixture.system;
      const model = buildIamModel({
        ...docParams,
        accountId: description.accountId,
        eksOidcIssuer: withoutScheme(issuers.eks.issuerUrl),
        githubOidcIssuer: withoutScheme(issuers.github.issuerUrl),
      });
      const unpinned = model.roles.map((role): RoleDefinition => {
        const copy = structuredClone(role);
        for (const s of copy.assumeRolePolicy.Statement) {
          if (!s.Condition?.StringEquals) continue;
          const kept = Object.entries(s.Condition.StringEquals).filter(([key]) => !key.endsWith(':sub'));
          s.Condition.StringEquals = Object.fromEntries(kept);
        }
        return copy;
      });
      try {
        unpinned.forEach(validateRole);
        return 'the model accepted every role';
      } catch (error) {
        return (error as Error).message;
      }
    },

    'pod-identity-example': podExample,
    'pod-identity-example-decision': podExample,
    'pod-identity-no-token': async () =>
      curlFormat(await fetch(fixture.system.description.identity.podIdentityAgent)),
    'pod-identity-irsa-token': async () => {
      const { identity } = fixture.system.description;
      const token = readFileSync(identity.irsa.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8');
      return curlFormat(await fetch(identity.podIdentityAgent, { headers: { authorization: token } }));
    },
    'pod-identity-no-association': podOtherServiceAccount,
    'pod-identity-no-association-log': podOtherServiceAccount,
    'pod-identity-no-association-fallback': podOtherServiceAccount,
    'pod-identity-namespace-tag': () =>
      withTrustPolicy(
        'usage-reporter',
        (policy) => {
          stringEquals(statement(policy, 'EksPodIdentity'))['aws:RequestTag/kubernetes-namespace'] =
            'reporting';
          return policy;
        },
        () => runExample('pod-identity-example.ts'),
      ),

    'ec2-example': ec2Example,
    'ec2-example-workload': ec2Example,
    'ec2-imdsv1': ec2Example,
    'ec2-untrusted-role': ec2Untrusted,
    'ec2-untrusted-role-log': ec2Untrusted,

    'github-pull-request-deploy': async () => {
      const pullRequest = rehearsals.find((r) => r.role === 'deploy' && r.run.event === 'pull_request');
      if (!pullRequest) throw new Error('no pull-request rehearsal for deploy');
      return describeOutcome(await rehearse(fixture.system.description, pullRequest));
    },
    'github-feature-branch': (block) => githubAssume(block.commands),
    'github-audience': (block) => githubAssume(block.commands),
    'github-immutable-subject': (block) => githubAssume(block.commands),

    // saml-sso.md: `npm run sso` as cli.ts runs it (a refusal printed as `sso failed: <message>`).
    'sso-developer-write': async () => {
      await sso('dana');
      const write = await run(
        join(repoRoot, '.local', 'venv', 'bin', 'aws'),
        [
          '--profile',
          'keyless-dana',
          's3',
          'cp',
          join(scratch, 'empty.json'),
          's3://keyless-files/reports/by-dana.json',
        ],
        { env: { PATH: process.env.PATH, HOME: fixture.dir, AWS_CONFIG_FILE: join(scratch, 'aws-config') } },
      ).catch((error: unknown) => error as object);
      return output(write);
    },
    'sso-no-group': () => sso('nina'),
    'sso-expired': () => sso('dana', -600),
    'sso-other-provider': () =>
      withTrustPolicy(
        'developer',
        (policy) => {
          // people() trusting saml-provider/OtherIdP, as the page's edit makes it
          for (const s of policy.Statement)
            s.Principal = { Federated: 'arn:aws:iam::123456789012:saml-provider/OtherIdP' };
          return policy;
        },
        () => sso('dana'),
      ),
    'sso-audience': () =>
      withTrustPolicy(
        'developer',
        (policy) => {
          for (const s of policy.Statement)
            stringEquals(s)['SAML:aud'] = 'https://signin.aws.amazon.com/other';
          return policy;
        },
        () => sso('dana'),
      ),
  };

  describe('policy blocks', () => {
    const model = buildIamModel(docParams);
    const policyOf = (role: string, kind: string) => {
      const found = model.roles.find((r) => r.name === role);
      return kind === 'trust' ? found?.assumeRolePolicy : found?.policies[kind];
    };

    test.each(ofKind('policy').map((b) => [`${b.page}: ${b.label}`, b] as const))(
      '%s is what the model builds with the documented parameters',
      (_, block) => {
        const [kind = '', ...roles] = block.label.split(/\s+/).reverse();
        expect(roles.length).toBeGreaterThan(0);
        for (const role of roles) expect(JSON.parse(block.body), role).toEqual(policyOf(role, kind));
      },
    );

    test('every role’s trust and permission policies appear on some page', () => {
      const shown = new Set(
        ofKind('policy').flatMap((b) => {
          const [kind, ...roles] = b.label.split(/\s+/).reverse();
          return roles.map((role) => `${role} ${kind}`);
        }),
      );
      const expected = model.roles.flatMap((r) => [
        `${r.name} trust`,
        ...Object.keys(r.policies).map((p) => `${r.name} ${p}`),
      ]);
      expect([...shown].sort()).toEqual(expected.sort());
    });

    test('no role of the model trusts ec2.amazonaws.com, as the EC2 page says', () => {
      for (const role of model.roles) {
        const result = evaluateTrustPolicy(role.assumeRolePolicy, {
          principal: { type: 'Service', id: 'ec2.amazonaws.com' },
          action: 'sts:AssumeRole',
          context: { 'aws:SourceAccount': docParams.accountId },
        });
        expect(result.allowed, role.name).toBe(false);
      }
    });

    test('the README links every page', () => {
      const readme = pages.get('README.md') ?? '';
      for (const page of pages.keys()) if (page !== 'README.md') expect(readme).toContain(`](${page})`);
    });
  });

  describe('documented failures and outputs', () => {
    const documented = [...ofKind('failure'), ...ofKind('output')];

    test('each has an experiment here, and each experiment a block', () => {
      expect(documented.map((b) => b.label).sort()).toEqual(Object.keys(experiments).sort());
    });

    test.each(documented.map((b) => [`${b.page}: ${b.label}`, b] as const))('%s', async (_, block) => {
      const produce = experiments[block.label];
      expect(produce, `no experiment for ${block.label}`).toBeDefined();
      const actual = await (produce as (b: MarkedBlock) => Promise<string>)(block);
      expect(actual).toMatch(snippetPattern(block.body));
    });

    test('the README’s warning holds: given the emulator, a workload gets what the front refuses', async () => {
      const wrongServiceAccount = await mintServiceAccountToken(fixture.system.issuers.eks, {
        namespace: 'keyless',
        serviceAccount: 'api',
      });
      const { endpoints } = fixture.system.description;
      // Only who it became: a session the emulator issued is no session the ledger proxy knows.
      const viaEmulator = await irsaWorkloadWithToken(wrongServiceAccount, {
        AWS_ENDPOINT_URL: endpoints.aws,
        AWS_ENDPOINT_URL_STS: undefined,
        LEDGER_PROXY_ENDPOINT: undefined,
      });
      expect(viaEmulator).toContain(':assumed-role/usage-reporter/');
      // The gate passes federation to the STS front, with or without AWS_ENDPOINT_URL_STS.
      const viaGate = await irsaWorkloadWithToken(wrongServiceAccount, { AWS_ENDPOINT_URL_STS: undefined });
      expect(viaGate).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    });
  });
});
