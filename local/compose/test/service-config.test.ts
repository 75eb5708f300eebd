// Every container built from this repository gets an environment its own program accepts: parsed
// with the app's exported config schema (the one it loads at start-up), after compose's variable
// substitution from .env, and without a variable the program would ignore.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiConfigSchema } from '@keyless/api';
import { parseConfig } from '@keyless/config';
import { ledgerWorkerConfigSchema } from '@keyless/ledger-worker';
import { localAlbConfigSchema } from '@keyless/local-alb';
import { systemEnv } from '@keyless/local-system';
import { readTelemetryConfig } from '@keyless/telemetry';
import { uploadProcessorConfigSchema } from '@keyless/upload-processor';
import { usageReporterConfigSchema } from '@keyless/usage-reporter';
import { beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';
import {
  loadComposeProject,
  uploadProcessorFunction,
  uploadProcessorRuntimeEnv,
  type ComposeProject,
} from '../src/index.ts';
import { repoRoot } from '../src/compose-project.ts';

/** Which schema each container's program parses its environment with. */
const schemas: Record<string, z.ZodType> = {
  identity: systemEnv,
  'api-1': apiConfigSchema,
  'api-2': apiConfigSchema,
  'ledger-worker': ledgerWorkerConfigSchema,
  'usage-reporter': usageReporterConfigSchema,
  'usage-reporter-default-sa': usageReporterConfigSchema,
  alb: localAlbConfigSchema,
  'upload-processor': uploadProcessorRuntimeEnv,
};
/** Built from this repository but not checked here, with the reason. */
const unchecked: Record<string, string> = {
  migrations: '@keyless/db does not export migrateEnv, the schema of libs/db/src/cli.ts',
};
/** Started with `--import @keyless/telemetry/register`, which reads the OTEL_* variables. */
const traced = ['api-1', 'api-2', 'ledger-worker', 'usage-reporter', 'usage-reporter-default-sa'];
/** Read by the AWS SDK's default credential chain and endpoint resolution, not by the app. */
const sdkVariables = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ENDPOINT_URL_STS',
];
const telemetryVariables = ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
/** Read by Node.js itself at start: the local CA the gate's HTTPS certificate is signed by. */
const nodeVariables = ['NODE_EXTRA_CA_CERTS'];
/**
 * Set for a program that does not read it yet. Each entry is asserted to be still unknown, so it
 * must be removed here once the program reads it.
 */
const pending: Record<string, string[]> = {};

function variablesOf(schema: z.ZodType): string[] {
  let current: unknown = schema;
  while (current instanceof z.ZodPipe) current = current.in;
  if (!(current instanceof z.ZodObject)) throw new Error('expected an object schema');
  return Object.keys(current.shape);
}

const environmentOf = (project: ComposeProject, name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(project.services[name]?.environment ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== null,
    ),
  );

let project: ComposeProject;
let traces: ComposeProject;

beforeAll(() => {
  project = loadComposeProject({ profiles: ['jobs'], env: {} });
  traces = loadComposeProject({
    profiles: ['jobs', 'observability'],
    env: { KEYLESS_OTLP_ENDPOINT: 'http://collector:4318' },
  });
});

describe('every container built from this repository gets an environment its program accepts', () => {
  test('each such container is checked, or listed with the reason it is not', () => {
    const built = Object.entries(project.services)
      .filter(([, service]) => service.build)
      .map(([name]) => name);
    expect(built.sort()).toEqual([...Object.keys(schemas), ...Object.keys(unchecked)].sort());
  });

  test.each(Object.keys(schemas))('%s: its config schema parses it', (name) => {
    expect(() => parseConfig(schemas[name] as z.ZodType, environmentOf(project, name))).not.toThrow();
  });

  test.each(Object.keys(schemas))('%s: it holds no variable its program ignores', (name) => {
    const known = new Set([
      ...variablesOf(schemas[name] as z.ZodType),
      ...sdkVariables,
      ...nodeVariables,
      ...(traced.includes(name) ? telemetryVariables : []),
    ]);
    const unknown = Object.keys(environmentOf(project, name)).filter((variable) => !known.has(variable));
    expect(unknown).toEqual(pending[name] ?? []);
  });

  test.each(traced)('%s: tracing is off by default and goes to the collector when asked', (name) => {
    expect(readTelemetryConfig(environmentOf(project, name))).toMatchObject({
      disabled: false,
      serviceName: name.replace(/-\d+$/, '').replace(/-default-sa$/, ''),
      otlpTracesUrl: undefined,
    });
    expect(readTelemetryConfig(environmentOf(traces, name))).toMatchObject({
      otlpTracesUrl: 'http://collector:4318/v1/traces',
    });
  });

  test('the collector the services export to receives OTLP/HTTP on that port', () => {
    const config = readFileSync(resolve(repoRoot, 'local/compose/otel-collector.yaml'), 'utf8');
    expect(traces.services.collector?.environment ?? {}).toEqual({});
    expect(config).toMatch(/http:\n\s+endpoint: 0\.0\.0\.0:4318/);
  });

  test('the function the Lambda runtime runs gets an environment the function accepts', () => {
    for (const source of [project, traces]) {
      const runtime = parseConfig(uploadProcessorRuntimeEnv, environmentOf(source, 'upload-processor'));
      const fn = uploadProcessorFunction(runtime);
      // Lambda adds AWS_REGION itself.
      const parsed = parseConfig(uploadProcessorConfigSchema, { AWS_REGION: fn.region, ...fn.environment });
      expect(parsed).toMatchObject({ UPLOADS_TABLE: 'uploads', DEPLOY_ENV: 'local' });
      // Node.js reads it, not the function's schema: the CA of the gate it calls over HTTPS.
      expect(fn.environment.NODE_EXTRA_CA_CERTS).toBe(runtime.FUNCTION_NODE_EXTRA_CA_CERTS);
      expect(fn.environment.NODE_EXTRA_CA_CERTS).toBeDefined();
    }
  });
});
