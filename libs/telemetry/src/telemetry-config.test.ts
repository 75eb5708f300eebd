import { resolve } from 'node:path';
import { ConfigError } from '@keyless/config';
import { describe, expect, it } from 'vitest';
import { readTelemetryConfig } from './telemetry-config.ts';

describe('readTelemetryConfig', () => {
  it('reads every setting', () => {
    expect(
      readTelemetryConfig({
        OTEL_SERVICE_NAME: 'api',
        DEPLOY_ENV: 'local',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        KEYLESS_TRACES_FILE: '.local/traces.jsonl',
      }),
    ).toEqual({
      disabled: false,
      serviceName: 'api',
      environment: 'local',
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      tracesFile: resolve('.local/traces.jsonl'),
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
  });

  it('exports nothing and keeps the default sampler when only the service name is set', () => {
    const config = readTelemetryConfig({ OTEL_SERVICE_NAME: 'ledger-worker' });
    expect(config).toMatchObject({ disabled: false, serviceName: 'ledger-worker' });
    expect(config).toMatchObject({ otlpTracesUrl: undefined, tracesFile: undefined, sampler: undefined });
  });

  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['https://otel.example.com/otlp', 'https://otel.example.com/otlp/v1/traces'],
  ])('appends v1/traces to the generic endpoint %s', (endpoint, url) => {
    expect(
      readTelemetryConfig({ OTEL_SERVICE_NAME: 'api', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
    ).toMatchObject({
      otlpTracesUrl: url,
    });
  });

  it('uses the traces endpoint as is, ahead of the generic one', () => {
    const config = readTelemetryConfig({
      OTEL_SERVICE_NAME: 'api',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
    });
    expect(config).toMatchObject({ otlpTracesUrl: 'http://traces:4318/custom' });
  });

  it('defaults the sampler ratio to 1', () => {
    expect(
      readTelemetryConfig({ OTEL_SERVICE_NAME: 'api', OTEL_TRACES_SAMPLER: 'traceidratio' }),
    ).toMatchObject({
      sampler: { name: 'traceidratio', ratio: 1 },
    });
  });

  it.each(['true', 'TRUE', 'True'])('is disabled by OTEL_SDK_DISABLED=%s, whatever else is set', (value) => {
    expect(
      readTelemetryConfig({ OTEL_SDK_DISABLED: value, OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' }),
    ).toEqual({
      disabled: true,
    });
  });

  it('treats OTEL_SDK_DISABLED=false and empty values as unset', () => {
    const config = readTelemetryConfig({
      OTEL_SDK_DISABLED: 'false',
      OTEL_SERVICE_NAME: 'api',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      KEYLESS_TRACES_FILE: ' ',
    });
    expect(config).toMatchObject({ disabled: false, otlpTracesUrl: undefined, tracesFile: undefined });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL'],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must be an http(s) URL',
    ],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is supported'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER: must be one of always_on,'],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1'],
    [{ OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1'],
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED: must be true or false'],
  ])('rejects %o, naming the variable', (bad, message) => {
    expect(() => readTelemetryConfig({ OTEL_SERVICE_NAME: 'api', ...bad })).toThrow(message);
  });

  it('requires a service name', () => {
    expect(() => readTelemetryConfig({})).toThrow('OTEL_SERVICE_NAME: is required');
  });

  it("names every bad variable at once, as a ConfigError like the services' own configuration", () => {
    let thrown: unknown;
    try {
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'nope', OTEL_TRACES_SAMPLER: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map((issue) => issue.variable)).toEqual([
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_TRACES_SAMPLER',
    ]);
  });
});
