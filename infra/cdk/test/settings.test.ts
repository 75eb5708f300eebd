import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { readSettings, SettingsError } from '../src/settings.ts';

const valid = {
  'keyless:account': '111122223333',
  'keyless:region': 'eu-west-1',
  'keyless:availabilityZones': 'eu-west-1a,eu-west-1b',
  'keyless:githubOwner': 'my-org',
  'keyless:githubRepo': 'keyless',
  'keyless:certificateArn':
    'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-4000-8000-000000000000',
  'keyless:imageTag': '3f2a9c1',
  'keyless:uploadProcessorBundle': 'dist/upload-processor',
  'keyless:samlMetadataFile': 'saml/example-idp-metadata.xml',
};
const settingsFrom = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

describe('readSettings', () => {
  it('accepts -c style comma-separated lists and derives a globally unique bucket name', () => {
    const settings = settingsFrom({
      ...valid,
      'keyless:eksPublicAccessCidrs': '203.0.113.0/24, 198.51.100.7/32',
    });
    expect(settings.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(settings.eksPublicAccessCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(settings.bucketName).toBe('keyless-files-111122223333-eu-west-1');
  });

  it('reports every bad value at once, naming the context key', () => {
    const attempt = () =>
      settingsFrom({
        ...valid,
        'keyless:account': '1234',
        'keyless:availabilityZones': ['eu-west-1a', 'west'],
        'keyless:certificateArn': 'arn:aws:iam::111122223333:role/x',
        'keyless:githubRepo': undefined,
      });
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(/keyless:account: expected a 12-digit AWS account ID/);
    expect(attempt).toThrow(/keyless:availabilityZones: expected Availability Zones such as eu-west-1a/);
    expect(attempt).toThrow(/keyless:certificateArn: expected an ACM certificate ARN/);
    expect(attempt).toThrow(/keyless:githubRepo:/);
  });

  it('refuses Availability Zones of another Region', () => {
    expect(() => settingsFrom({ ...valid, 'keyless:availabilityZones': 'eu-west-1a,us-east-1b' })).toThrow(
      /keyless:availabilityZones: 'us-east-1b' is not an Availability Zone of eu-west-1/,
    );
  });

  it('refuses to open the Kubernetes API to the whole internet', () => {
    expect(() => settingsFrom({ ...valid, 'keyless:eksPublicAccessCidrs': '0.0.0.0/0' })).toThrow(
      /keyless:eksPublicAccessCidrs: a \/0 range would open the Kubernetes API to the internet/,
    );
  });

  it('refuses a single Availability Zone', () => {
    expect(() => settingsFrom({ ...valid, 'keyless:availabilityZones': 'eu-west-1a' })).toThrow(
      /at least two Availability Zones/,
    );
  });
});
