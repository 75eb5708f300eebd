// The validator refuses what a strict API server would: each case differs from a valid manifest
// in one way only.
import { describe, expect, test } from 'vitest';
import { InvalidManifestsError, validateManifests } from '../src/validate-manifests.ts';

const cronJob = (spec: string, apiVersion = 'batch/v1') => `apiVersion: ${apiVersion}
kind: CronJob
metadata:
  name: example
spec:
  schedule: '0 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
${spec}`;

const containers = `          containers:
            - name: example
              image: example:1
`;

describe('validateManifests', () => {
  test('accepts a valid document, and counts documents across separators', () => {
    expect(
      validateManifests(
        `${cronJob(containers)}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n`,
        'ok',
      ),
    ).toBe('ok: 2 documents valid');
  });

  test.each([
    [
      'a misspelt field',
      cronJob(`          securityContex:\n            runAsNonRoot: true\n${containers}`),
      'unknown field "spec.jobTemplate.spec.template.spec.securityContex"',
    ],
    [
      'a field in the wrong place',
      cronJob(`${containers}              readOnlyRootFilesystem: true\n`),
      'unknown field "spec.jobTemplate.spec.template.spec.containers[0].readOnlyRootFilesystem"',
    ],
    [
      'a value of the wrong type',
      cronJob(`          automountServiceAccountToken: "false"\n${containers}`),
      'cannot unmarshal string into Go struct field PodSpec.spec.jobTemplate.spec.template.spec.automountServiceAccountToken of type bool',
    ],
    [
      'a malformed quantity',
      cronJob(
        `${containers}              resources:\n                limits:\n                  memory: lots\n`,
      ),
      'quantities must match the regular expression',
    ],
    [
      'a key given twice',
      cronJob(`${containers}              image: example:2\n`),
      'key "image" already set in map',
    ],
    [
      'an API version the cluster no longer serves',
      cronJob(containers, 'batch/v1beta1'),
      'no kind "CronJob" is registered for version "batch/v1beta1"',
    ],
    [
      'a kind outside the allowed API groups',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\n',
      'no kind "Widget" is registered for version "example.com/v1"',
    ],
  ])('refuses %s', (_case, yaml, message) => {
    let error: unknown;
    try {
      validateManifests(yaml, 'bad');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidManifestsError);
    expect((error as Error).message).toContain(message);
  });

  test('refuses an empty stream rather than passing it', () => {
    expect(() => validateManifests('---\n', 'empty')).toThrow('empty: no documents');
  });
});
