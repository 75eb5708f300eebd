// The vendors' own decisions (whose request is this, may it have the credentials), next to the
// STS front's `sts.decision` lines about whether the role may be assumed at all. Tokens and
// credentials never reach this log: only the fields below are written.
import type { Logger } from '@keyless/logging';

export type VendingMechanism =
  'ecs-container-credentials' | 'eks-pod-identity' | 'ec2-instance-metadata' | 'lambda-environment';

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
  const line = { event: 'vending.decision', ...decision, decision: allowed ? 'allowed' : 'denied' };
  const summary = `${line.decision} ${decision.mechanism} credentials${decision.role ? ` for ${decision.role}` : ''} to ${decision.caller}`;
  if (allowed) logger.info(line, summary);
  else logger.warn(line, summary);
}
