import { randomBytes } from 'node:crypto';
import type {
  ServiceAssumeRoleRequest,
  ServiceCredentialIssuer,
  TemporaryCredentials,
} from '../../contracts.ts';

export interface RecordingIssuer {
  issue: ServiceCredentialIssuer;
  requests: ServiceAssumeRoleRequest[];
  issued: TemporaryCredentials[];
  /** Lifetime of the next credentials issued, in seconds. */
  lifetimeSeconds: number;
  /** When set, requests for this role are refused the way the STS front refuses them (code AccessDenied). */
  denyRole?: string;
}

/** A real ServiceCredentialIssuer that mints random STS-shaped credentials and records every request. */
export function recordingIssuer(lifetimeSeconds = 3600): RecordingIssuer {
  const recorder: RecordingIssuer = {
    requests: [],
    issued: [],
    lifetimeSeconds,
    issue: async (request) => {
      recorder.requests.push(request);
      if (request.roleArn === recorder.denyRole) {
        throw Object.assign(
          new Error(
            `${request.service} is not allowed to assume ${request.roleArn}: no trust policy statement allows it`,
          ),
          // The shape of the STS front's StsError: what the vendors look at to tell a denial.
          { code: 'AccessDenied', status: 403 },
        );
      }
      const credentials = {
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
        expiration: new Date(Date.now() + recorder.lifetimeSeconds * 1000),
      };
      recorder.issued.push(credentials);
      return credentials;
    },
  };
  return recorder;
}
