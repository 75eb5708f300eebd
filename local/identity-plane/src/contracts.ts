// The seams between the identity plane's parts: the OIDC issuers mint tokens, the STS front decides
// and issues credentials, and the vendors hand those credentials to workloads the way AWS does.

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * A role session the STS front issued: what a permission gate needs to verify the signatures of its
 * calls and to decide them against the role's policies (narrowed by the session policy, if any).
 */
export interface IssuedRoleSession {
  credentials: TemporaryCredentials;
  roleArn: string;
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` */
  assumedRoleArn: string;
  sessionName: string;
  /** The session policy passed to AssumeRole*, as JSON. */
  sessionPolicy?: string;
  /** Session tags (aws:PrincipalTag/<key> in the session's calls), e.g. a SAML assertion's PrincipalTag attributes. */
  tags?: Readonly<Record<string, string>>;
}

/** What an AWS service (ecs-tasks, lambda, pods.eks) asks of STS on a workload's behalf. */
export interface ServiceAssumeRoleRequest {
  /** Service principal, e.g. 'ecs-tasks.amazonaws.com'. */
  service: string;
  roleArn: string;
  sessionName: string;
  durationSeconds?: number;
  /** Session tags, as EKS Pod Identity sets them (kubernetes-namespace, …). */
  tags?: Record<string, string>;
  /** aws:SourceAccount / aws:SourceArn as the service would send them. */
  sourceAccount?: string;
  sourceArn?: string;
}

/** Issues credentials for a service principal after the role's trust policy allowed it. */
export type ServiceCredentialIssuer = (request: ServiceAssumeRoleRequest) => Promise<TemporaryCredentials>;

export interface MintOptions {
  subject: string;
  audience: string | string[];
  expiresInSeconds: number;
  extraClaims?: Record<string, unknown>;
}

/** A local OIDC issuer ("EKS cluster" or "GitHub Actions"). */
export interface TokenMinter {
  /** Full issuer URL, e.g. http://127.0.0.1:4567/eks */
  readonly issuerUrl: string;
  mint(options: MintOptions): Promise<string>;
}
