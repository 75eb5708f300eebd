import type { Logger } from '@keyless/logging';

export type VendingMechanism =
  | 'ecs-container-credentials'
  | 'eks-pod-identity'
  | 'ec2-instance-metadata'
  | 'lambda-environment';

export interface VendingDecision {
  mechanism: VendingMechanism;
  /** Who asked: a task ARN, `namespace/pod`, an instance id, a function ARN, or the client address. */
  caller: string;
  role?: string;
  allowed: boolean;
  /** The check that decided, in words a person reading the log can act on. */
  reason: string;
}

/** One JSON line per decision: allowed at info, denied at warn. */
export function logDecision(logger: Logger, { allowed, ...decision }: VendingDecision): void {
  const line = { ...decision, decision: allowed ? 'allowed' : 'denied' };
  if (allowed) logger.info(line, `${decision.mechanism}: allowed`);
  else logger.warn(line, `${decision.mechanism}: denied: ${decision.reason}`);
}
