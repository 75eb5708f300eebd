import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { IssuedRoleSession } from '../contracts.ts';
import type { DecisionLog } from '../decision-log.ts';
import type { IssuerKeys } from './issuer-keys.ts';
import type { SessionDurations } from './role-trust.ts';

/** What the STS front's decisions need: the emulator (as admin), the issuers' keys, the log and the limits. */
export interface StsDeps {
  iam: IAMClient;
  sts: STSClient;
  keys: IssuerKeys;
  decisions: DecisionLog;
  clockToleranceSeconds: number;
  durations: SessionDurations;
  /** Issuer URLs whose tokens carry GitHub's condition keys (repository, environment, …). */
  githubIssuers: readonly string[];
  /** Told of every session issued, so a permission gate can verify and decide its calls. */
  onSessionIssued: (session: IssuedRoleSession) => void;
}
