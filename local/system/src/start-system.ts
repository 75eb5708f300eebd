import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DEFAULT_SAML_PROVIDER_NAME,
  roleArn,
  samlProviderArn,
  tlsOnlyBucketPolicy,
} from '@keyless/iam-model';
import {
  createDecisionLog,
  GROUP_OF_ROLE,
  startEcsCredentialsEndpoint,
  startLocalIdp,
  startOidcIssuers,
  startPodIdentityAgent,
  startProjectedTokenFile,
  startStsFront,
  withoutScheme,
  type DecisionLogOptions,
  type EcsCredentialsEndpoint,
  type OidcIssuers,
  type SessionDurations,
  type StsFront,
} from '@keyless/identity-plane';
import {
  bootstrapNeeds,
  startLocalPlatform,
  type Capability,
  type PlatformDescription,
} from '@keyless/local-platform';
import { createLogger, type Logger } from '@keyless/logging';
import {
  createLocalTls,
  createTrailWriter,
  startLocalGate,
  trailFileFor,
  type LocalAnswer,
  type PermissionGate,
} from '@keyless/permission-gate';
import { adminClients } from '@keyless/emulator-admin';
import { startLocalEcr, type LocalEcrDescription } from './start-local-ecr.ts';
import { decisionsInTrail } from './decisions-in-trail.ts';
import { startGithubTokenService } from './github-token-service.ts';
import { advertisedUrl, registerComposeTasks } from './compose-tasks.ts';
import { startFunctionCredentialsEndpoint } from './function-credentials-endpoint.ts';
import { githubRepository, type SystemConfig } from './system-config.ts';
import { startSystemLedgerProxy, type LedgerProxyDescription } from './ledger-proxy.ts';
import { stopInOrder, type StopStep } from './stop-in-order.ts';

export const eksClusterName = 'keyless';

/**
 * What the whole local system uses of the emulator: all the bootstrap creates, STS sessions (the
 * identity plane's credentials) and S3's notifications (the Lambda runtime's trigger). A suite
 * that starts the system declares these (emulatorSuite(systemNeeds, …)).
 */
export const systemNeeds: readonly Capability[] = [...bootstrapNeeds, 'sts', 's3-event-notifications'];
export const ecsClusterName = 'keyless';
export const reporterServiceAccount = { namespace: 'keyless', serviceAccount: 'usage-reporter' } as const;

export interface SystemDescription extends PlatformDescription {
  identity: {
    /**
     * The AWS endpoint every workload is given (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS): the
     * permission gate, which verifies each call's signature and decides it against the caller's
     * policies before the emulator sees it.
     */
    gateEndpoint: string;
    /**
     * The gate over HTTPS, with a certificate of the local CA (`caFile`): what the system's own
     * services use, so aws:SecureTransport is true for their calls as on AWS.
     */
    gateTlsEndpoint: string;
    /** The local CA's certificate: NODE_EXTRA_CA_CERTS for a workload, --cacert for curl. */
    caFile: string;
    /** The local CloudTrail: one JSON line per call through the gate (`npm run trail`). */
    trailFile: string;
    stsEndpoint: string;
    issuers: { eks: string; github: string };
    ecsCredentialsEndpoint: string;
    podIdentityAgent: string;
    /** IRSA for the usage-reporter pod: what EKS would inject. */
    irsa: { AWS_ROLE_ARN: string; AWS_WEB_IDENTITY_TOKEN_FILE: string };
    /**
     * The token of a pod in the same namespace that forgot `serviceAccountName` (so runs as
     * `default`): the demo shows the usage-reporter role refusing it.
     */
    defaultServiceAccountTokenFile: string;
    /** What a GitHub Actions job with `id-token: write` gets. */
    github: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
    /** The ledger's RDS Proxy (local/rds-proxy): IAM database tokens in, TLS required. */
    ledgerProxy: LedgerProxyDescription;
    /** The local corporate IdP people sign in at (`npm run sso`), registered as the SAML provider. */
    samlIdp: { entityId: string; metadataUrl: string; signInUrl: string; providerArn: string };
    /** The local ECR: its host, the image roles, where each pull role gets credentials (absent without Go). */
    imageRegistry?: LocalEcrDescription;
  };
  /** Set once the services run (`npm start`): the local ALB in front of the `api` tasks. */
  albUrl?: string;
  /** Set once the services run: the JSON-lines file every service writes its spans to. */
  tracesFile?: string;
}

export interface RunningSystem {
  description: SystemDescription;
  /** For the migrations step; deliberately not part of the description. */
  ledgerAdminUrl: string;
  issuers: OidcIssuers;
  sts: StsFront;
  gate: PermissionGate;
  ecs: EcsCredentialsEndpoint;
  logger: Logger;
  /** Resolves if the emulator or PostgreSQL ends on its own, to a sentence naming it. */
  died: Promise<string>;
  /** Stops everything, each step isolated; rejects after the last step if any failed. */
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Where decision lines and the plane's own logs go; stdout when omitted. */
  destination?: DecisionLogOptions['destination'];
  /** Shorter than AWS's 900 s minimum, to watch credentials refresh. */
  sessionDurations?: Partial<SessionDurations>;
  /** How long ECS task credentials last (the endpoint's own refresh margin applies). */
  taskCredentialSeconds?: number;
}

/**
 * Starts the local system in dependency order: OIDC issuers (their URLs are registered as IAM
 * OIDC providers), the platform (emulator, PostgreSQL, bootstrap), the STS front, then the
 * credential vendors each workload will use. Whatever started is stopped again on failure.
 */
export async function startSystem(config: SystemConfig, options: SystemOptions = {}): Promise<RunningSystem> {
  const stoppers: StopStep[] = [];
  const stop = async () => {
    const failed = await stopInOrder(stoppers.splice(0), (error) =>
      logger.error({ error: error.message }, 'a stop step failed'),
    );
    if (failed > 0) throw new Error(`${failed} step(s) of the identity plane and platform failed to stop`);
  };
  const logger: Logger = createLogger({
    service: 'identity-plane',
    level: 'info',
    destination: options.destination,
  });
  try {
    const region = config.AWS_REGION;
    const github = githubRepository(config);
    const issuers = await startOidcIssuers();
    stoppers.push(issuers.close);
    // The people's IdP: its key is made now, and its metadata is what the bootstrap registers as LocalIdP.
    const idp = await startLocalIdp({ host: config.KEYLESS_BIND_HOST });
    stoppers.push(idp.close);

    const platform = await startLocalPlatform({
      region,
      ...(config.KEYLESS_EMULATOR && { emulator: config.KEYLESS_EMULATOR }),
      awsEndpoint: config.AWS_ENDPOINT_URL,
      databaseUrl: config.DATABASE_URL,
      github,
      eksOidcIssuer: withoutScheme(issuers.eks.issuerUrl),
      githubOidcIssuer: withoutScheme(issuers.github.issuerUrl),
      samlMetadata: idp.metadata,
    });
    stoppers.push(platform.stop);
    const { accountId } = platform.description;
    const arnOf = (name: 'usage-reporter') => roleArn({ partition: 'aws', accountId }, name);
    // The IdP's "AWS app": each group is offered its role through the provider.
    const providerArn = samlProviderArn({
      partition: 'aws',
      accountId,
      samlProviderName: DEFAULT_SAML_PROVIDER_NAME,
    });
    for (const [role, group] of Object.entries(GROUP_OF_ROLE)) {
      idp.mapGroup(
        group,
        roleArn({ partition: 'aws', accountId }, role as keyof typeof GROUP_OF_ROLE),
        providerArn,
      );
    }

    const trailFile = trailFileFor(config.KEYLESS_TRAIL_DIR, new Date());
    const trail = createTrailWriter({ file: trailFile });
    stoppers.push(trail.close);
    const emulator = { endpoint: platform.description.endpoints.aws, region };
    const bucketArn = `arn:aws:s3:::${platform.description.resources.names.bucket}`;
    const advertisedHost = config.KEYLESS_ADVERTISED_HOST;
    const tls = await createLocalTls(['127.0.0.1', 'localhost', ...(advertisedHost ? [advertisedHost] : [])]);
    await mkdir(dirname(config.KEYLESS_CA_FILE), { recursive: true });
    await writeFile(config.KEYLESS_CA_FILE, tls.caCertificate);
    stoppers.push(() => rm(config.KEYLESS_CA_FILE, { force: true }));
    // The STS front, and in front of it and the emulator the permission gate: every workload's AWS
    // endpoint. A statement changed in IAM (npm run break-policy) is enforced a second later.
    // Filled once the registry runs: ECR's GetAuthorizationToken, answered for the verified caller.
    const localAnswers: Record<string, LocalAnswer> = {};
    const local = await startLocalGate(
      {
        emulator,
        accountId,
        trail,
        localAnswers,
        // The bucket's own policy, as the CDK app deploys it: no request without TLS.
        resourcePolicies: { [bucketArn]: tlsOnlyBucketPolicy(bucketArn) },
        logger: logger.child({ component: 'permission-gate' }),
        host: config.KEYLESS_BIND_HOST,
        port: config.KEYLESS_GATE_PORT ?? 0,
        tls: { ...tls, port: config.KEYLESS_GATE_TLS_PORT ?? 0 },
      },
      (onSessionIssued) =>
        startStsFront({
          emulator,
          decisions: decisionsInTrail(createDecisionLog({ destination: options.destination }), trail, region),
          githubIssuers: [issuers.github.issuerUrl],
          ...(options.sessionDurations && { sessionDurations: options.sessionDurations }),
          host: config.KEYLESS_BIND_HOST,
          port: config.KEYLESS_STS_PORT ?? 0,
          onSessionIssued,
        }),
    );
    const { front: sts, gate } = local;
    stoppers.push(sts.close);
    stoppers.push(local.close);

    const ecs = await startEcsCredentialsEndpoint({
      issuer: sts.issueServiceCredentials,
      region,
      clusterName: ecsClusterName,
      logger,
      ...(options.taskCredentialSeconds && { durationSeconds: options.taskCredentialSeconds }),
      host: config.KEYLESS_BIND_HOST,
      port: config.KEYLESS_ECS_CREDENTIALS_PORT ?? 0,
      advertisedHost: config.KEYLESS_ADVERTISED_HOST,
    });
    stoppers.push(ecs.close);
    const imageAdmin = adminClients(emulator);
    const ecr = await startLocalEcr({
      tls,
      roles: local.deps.roles,
      localAnswers,
      iam: imageAdmin.iam,
      ecs,
      sts,
      region,
      accountId,
      trail,
      logger: logger.child({ component: 'image-registry' }),
    }).finally(() => Object.values(imageAdmin).forEach((client) => client.destroy()));
    if (ecr) stoppers.push(ecr.close);
    if (config.KEYLESS_COMPOSE_TASKS) {
      const composeTasks = await registerComposeTasks(ecs, config.KEYLESS_COMPOSE_TASKS, {
        directory: config.KEYLESS_COMPOSE_TASKS_DIR,
        roles: platform.description.resources.roles,
      });
      stoppers.push(composeTasks);
    }
    if (config.KEYLESS_COMPOSE_FUNCTIONS) {
      // The Lambda runtime's own container gets its function's execution role from here, so the
      // gate knows the function's keys (function-credentials-endpoint.ts).
      const functionCredentials = await startFunctionCredentialsEndpoint({
        issuer: sts.issueServiceCredentials,
        functions: config.KEYLESS_COMPOSE_FUNCTIONS,
        roles: platform.description.resources.roles,
        region,
        directory: config.KEYLESS_COMPOSE_FUNCTIONS_DIR,
        logger,
        host: config.KEYLESS_BIND_HOST,
        port: config.KEYLESS_FUNCTION_CREDENTIALS_PORT ?? 0,
      });
      stoppers.push(functionCredentials.close);
    }

    const podIdentity = await startPodIdentityAgent({
      issuer: sts.issueServiceCredentials,
      clusterArn: `arn:aws:eks:${region}:${accountId}:cluster/${eksClusterName}`,
      tokenIssuer: { issuerUrl: issuers.eks.issuerUrl, jwksUrl: issuers.eks.jwksUri },
      associations: [{ ...reporterServiceAccount, roleArn: arnOf('usage-reporter') }],
      logger,
    });
    stoppers.push(podIdentity.close);

    const irsaToken = await startProjectedTokenFile({
      minter: issuers.eks,
      path: join(config.KEYLESS_TOKEN_DIR, 'usage-reporter', 'eks.amazonaws.com', 'serviceaccount', 'token'),
      ...reporterServiceAccount,
      logger,
    });
    stoppers.push(irsaToken.stop);

    const defaultAccountToken = await startProjectedTokenFile({
      minter: issuers.eks,
      path: join(config.KEYLESS_TOKEN_DIR, 'default', 'eks.amazonaws.com', 'serviceaccount', 'token'),
      namespace: reporterServiceAccount.namespace,
      serviceAccount: 'default',
      logger,
    });
    stoppers.push(defaultAccountToken.stop);

    const githubTokens = await startGithubTokenService(issuers.github, github);
    stoppers.push(githubTokens.close);

    const ledgerProxy = await startSystemLedgerProxy({
      platform: platform.description,
      decide: local.deps,
      tls,
      trail,
      logger: logger.child({ component: 'rds-proxy' }),
      bindHost: config.KEYLESS_BIND_HOST,
      ...(config.KEYLESS_ADVERTISED_HOST && { advertisedHost: config.KEYLESS_ADVERTISED_HOST }),
      ...(config.KEYLESS_LEDGER_PROXY_PORT && { port: config.KEYLESS_LEDGER_PROXY_PORT }),
    });
    stoppers.push(ledgerProxy.stop);

    return {
      description: {
        ...platform.description,
        identity: {
          gateEndpoint: advertisedUrl(gate.endpoint, config.KEYLESS_ADVERTISED_HOST),
          gateTlsEndpoint: advertisedUrl(gate.tlsEndpoint ?? '', config.KEYLESS_ADVERTISED_HOST),
          caFile: config.KEYLESS_CA_FILE,
          trailFile,
          stsEndpoint: advertisedUrl(sts.endpoint, config.KEYLESS_ADVERTISED_HOST),
          issuers: { eks: issuers.eks.issuerUrl, github: issuers.github.issuerUrl },
          ecsCredentialsEndpoint: ecs.origin,
          podIdentityAgent: podIdentity.credentialsUrl,
          irsa: { AWS_ROLE_ARN: arnOf('usage-reporter'), AWS_WEB_IDENTITY_TOKEN_FILE: irsaToken.path },
          defaultServiceAccountTokenFile: defaultAccountToken.path,
          github: {
            ACTIONS_ID_TOKEN_REQUEST_URL: githubTokens.url,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: githubTokens.requestToken,
          },
          ledgerProxy: ledgerProxy.description,
          samlIdp: {
            entityId: idp.entityId,
            metadataUrl: idp.metadataUrl,
            signInUrl: idp.signInUrl,
            providerArn,
          },
          ...(ecr && { imageRegistry: ecr.description }),
        },
      },
      ledgerAdminUrl: platform.ledgerAdminUrl,
      issuers,
      sts,
      gate,
      ecs,
      logger,
      died: platform.died,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
