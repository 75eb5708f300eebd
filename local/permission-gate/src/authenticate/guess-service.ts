// Which service an unsigned (or unparsably signed) request is for, so its error is in that
// service's dialect: with no credential scope, only the request's shape says.
import type { GateRequest } from '../gate-request.ts';

const targetPrefixes: readonly (readonly [string, string])[] = [
  ['DynamoDB_', 'dynamodb'],
  ['secretsmanager.', 'secretsmanager'],
  ['AmazonSQS.', 'sqs'],
  ['AmazonEC2ContainerRegistry_', 'ecr'],
];

const queryApiVersions: Readonly<Record<string, string>> = { '2011-06-15': 'sts', '2012-11-05': 'sqs' };

export function guessService(request: GateRequest): string {
  const target = request.headers['x-amz-target'];
  if (target !== undefined) {
    const known = targetPrefixes.find(([prefix]) => target.startsWith(prefix));
    if (known) return known[1];
  }
  const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ? request.body.toString('utf8')
    : '';
  const version = /(?:^|&)Version=([^&]*)/.exec(`${request.query}&${form}`)?.[1];
  return (version !== undefined && queryApiVersions[version]) || 's3';
}
