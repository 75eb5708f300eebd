import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { onlyResource, resourcesOf, synthesizedModel, template } from './assembly.ts';

const { settings } = synthesizedModel();
const services = template('services');
const [loadBalancerId, loadBalancer] = onlyResource('services', 'AWS::ElasticLoadBalancingV2::LoadBalancer');
const attributes = loadBalancer.Properties.LoadBalancerAttributes as { Key: string; Value: unknown }[];
const attribute = (key: string) => attributes.find(({ Key }) => Key === key)?.Value;

describe('api load balancer', () => {
  it('drops invalid header fields, writes access logs and is deletion-protected', () => {
    expect(loadBalancer.Properties.Scheme).toBe('internet-facing');
    expect(attribute('routing.http.drop_invalid_header_fields.enabled')).toBe('true');
    expect(attribute('access_logs.s3.enabled')).toBe('true');
    expect(JSON.stringify(attribute('access_logs.s3.bucket'))).toContain('AccessLogs');
    expect(attribute('deletion_protection.enabled')).toBe('true');
    expect(attribute('idle_timeout.timeout_seconds')).toBe('60');
  });

  it('terminates TLS 1.2+ with the certificate from context', () => {
    services.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: settings.certificateArn }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  it('answers plain HTTP only with a permanent redirect to HTTPS', () => {
    services.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    expect(resourcesOf('services', 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(2);
  });

  it('is protected by a WAF web ACL with AWS managed rules and a rate limit, logged without tokens', () => {
    services.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith(
        [
          'AWSManagedRulesAmazonIpReputationList',
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
        ]
          .map((name) =>
            Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } } }),
          )
          .concat([
            Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: Match.anyValue() } }),
          ]),
      ),
    });
    services.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: loadBalancerId } });
    services.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });
});
