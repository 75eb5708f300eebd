// sts:AssumeRoleWithSAML as AWS runs it: find the IAM SAML provider the call names, verify the
// assertion against that provider's certificate, check that the IdP offered this role through this
// provider, then the role's trust policy (with the SAML:* keys, and sts:TagSession for session
// tags), then issue a session. Each refusal and each grant is one decision-log line.
import { emulatorSession, sessionElements } from './emulator-session.ts';
import type { XmlTree } from './query-protocol.ts';
import { parseDuration, requiredParam } from './request-params.ts';
import { loadRole, requireTrust, sessionDuration } from './role-trust.ts';
import {
  principalTags,
  requireRolePair,
  roleSessionName,
  sessionDurationAttribute,
} from './saml/assertion-attributes.ts';
import { samlContext } from './saml/saml-context.ts';
import { findSamlProvider } from './saml/saml-provider.ts';
import { verifySamlResponse } from './saml/verify-saml-response.ts';
import { recordDenial, StsError, validationError } from './sts-error.ts';
import type { StsDeps } from './sts-deps.ts';

const ACTION = 'sts:AssumeRoleWithSAML';
/** AWS's bound on the SAMLAssertion parameter. */
export const MAX_SAML_ASSERTION_CHARACTERS = 100_000;

export async function assumeRoleWithSaml(
  params: URLSearchParams,
  deps: StsDeps,
  now = new Date(),
): Promise<XmlTree> {
  const roleArn = params.get('RoleArn') ?? '';
  const namedProvider = params.get('PrincipalArn');
  const base = { role: roleArn, action: ACTION, ...(namedProvider && { provider: namedProvider }) } as const;
  let identified: { caller?: string; issuer?: string } = {};
  try {
    requiredParam(params, 'RoleArn');
    const principalArn = requiredParam(params, 'PrincipalArn');
    const samlAssertion = requiredParam(params, 'SAMLAssertion');
    if (samlAssertion.length > MAX_SAML_ASSERTION_CHARACTERS) {
      throw validationError(
        'request',
        `1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length ` +
          `less than or equal to ${MAX_SAML_ASSERTION_CHARACTERS}`,
      );
    }
    const requestedDuration = parseDuration(params);

    const provider = await findSamlProvider(deps.iam, principalArn);
    const assertion = verifySamlResponse(samlAssertion, provider, now);
    identified = { caller: assertion.subject, issuer: assertion.issuer };
    requireRolePair(assertion, roleArn, principalArn);
    const sessionName = roleSessionName(assertion);
    const tags = principalTags(assertion);
    const attributeDuration = sessionDurationAttribute(assertion);

    const role = await loadRole(deps.iam, roleArn, ACTION);
    const context = samlContext(assertion, provider);
    const principal = { type: 'Federated', id: provider.arn } as const;
    const trust = requireTrust(role, { principal, action: ACTION, context });
    const tagKeys = Object.keys(tags);
    if (tagKeys.length > 0) {
      requireTrust(role, {
        principal,
        action: 'sts:TagSession',
        context: {
          ...context,
          'aws:TagKeys': tagKeys,
          ...Object.fromEntries(tagKeys.map((key) => [`aws:RequestTag/${key}`, tags[key]])),
        },
      });
    }

    // DurationSeconds is held to the role's maximum; the IdP's SessionDuration is capped by it, and
    // neither outlives the IdP's own session (SessionNotOnOrAfter).
    const wanted =
      requestedDuration ??
      (attributeDuration === undefined
        ? undefined
        : Math.min(attributeDuration, role.maxSessionDurationSeconds));
    let durationSeconds = sessionDuration(wanted, role, deps.durations);
    if (assertion.sessionNotOnOrAfter) {
      const remaining = Math.floor((assertion.sessionNotOnOrAfter.getTime() - now.getTime()) / 1000);
      if (remaining <= 0) {
        throw new StsError(
          'expiry',
          'ExpiredTokenException',
          400,
          `The IdP session ended at ${assertion.sessionNotOnOrAfter.toISOString()} (expiry check: SessionNotOnOrAfter)`,
        );
      }
      durationSeconds = Math.min(durationSeconds, remaining);
    }

    const session = await emulatorSession(deps, {
      roleArn,
      sessionName,
      durationSeconds,
      ...(tagKeys.length > 0 && { tags }),
      policy: params.get('Policy') ?? undefined,
    });
    deps.decisions.record({
      ...base,
      caller: assertion.subject,
      issuer: assertion.issuer,
      decision: 'allowed',
      check: 'trust-policy',
      statement: trust.statement,
      reason: trust.reason,
    });
    return {
      ...sessionElements(session),
      Subject: assertion.subject,
      SubjectType: assertion.subjectType,
      Issuer: assertion.issuer,
      Audience: assertion.recipient,
      NameQualifier: context['SAML:namequalifier'] as string,
    };
  } catch (error) {
    recordDenial(
      deps.decisions,
      { ...base, caller: identified.caller ?? 'unknown', issuer: identified.issuer },
      error,
    );
    throw error;
  }
}
