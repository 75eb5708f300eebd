import { resolve } from 'node:path';
import { ConfigError } from '@keyless/config';
import * as z from 'zod';

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerSetting {
  name: SamplerName;
  /** Share of new traces kept by the `*traceidratio` samplers, 0..1. */
  ratio: number;
}

export interface TelemetryOptions {
  /** `service.name` on every span, e.g. `api`. */
  serviceName: string;
  /** `service.version` on every span. */
  serviceVersion?: string;
  /** `deployment.environment.name` on every span, e.g. `local` or `production`. */
  environment?: string;
  /** Full OTLP/HTTP (protobuf) traces URL; spans are exported there when set. */
  otlpTracesUrl?: string;
  /** Absolute path of a JSON-lines file that gets one line per ended span when set. */
  tracesFile?: string;
  /** Defaults to `parentbased_always_on`: follow the caller's decision, keep every new trace. */
  sampler?: SamplerSetting;
}

export type TelemetryConfig = { disabled: true } | ({ disabled: false } & TelemetryOptions);

const VARIABLES = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'DEPLOY_ENV',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'KEYLESS_TRACES_FILE',
] as const;

// Not z.httpUrl(): that one wants a dotted domain, and compose addresses the collector as http://collector:4318.
const httpUrl = z.url({
  protocol: z.regexes.httpProtocol,
  hostname: z.regexes.hostname,
  error: 'must be an http(s) URL such as http://localhost:4318',
});
// Only the protobuf exporter is bundled; accepting `grpc` here would silently send protobuf anyway.
const protocol = z.literal('http/protobuf', { error: 'only http/protobuf is supported' });

const schema = z.object({
  OTEL_SERVICE_NAME: z.string({ error: 'is required: the name every span carries, e.g. api' }),
  DEPLOY_ENV: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.optional(httpUrl),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.optional(httpUrl),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(SAMPLER_NAMES, { error: `must be one of ${SAMPLER_NAMES.join(', ')}` })
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' })
    .optional(),
  KEYLESS_TRACES_FILE: z.string().optional(),
});

const disabledFlag = z
  .stringbool({ truthy: ['true'], falsy: ['false'], error: 'must be true or false' })
  .optional();

/**
 * Reads the telemetry settings from environment variables, once, at startup.
 * Throws a ConfigError naming every bad variable. Empty values count as unset, as the OTel spec says.
 */
export function readTelemetryConfig(env: NodeJS.ProcessEnv): TelemetryConfig {
  const present = Object.fromEntries(VARIABLES.map((name) => [name, env[name]?.trim() || undefined]));

  const disabled = disabledFlag.safeParse(present.OTEL_SDK_DISABLED);
  if (!disabled.success) throw configError(disabled.error.issues, 'OTEL_SDK_DISABLED');
  if (disabled.data === true) return { disabled: true };

  const parsed = schema.safeParse(present);
  if (!parsed.success) throw configError(parsed.error.issues);
  const vars = parsed.data;

  return {
    disabled: false,
    serviceName: vars.OTEL_SERVICE_NAME,
    environment: vars.DEPLOY_ENV,
    otlpTracesUrl: otlpTracesUrl(vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, vars.OTEL_EXPORTER_OTLP_ENDPOINT),
    tracesFile: vars.KEYLESS_TRACES_FILE === undefined ? undefined : resolve(vars.KEYLESS_TRACES_FILE),
    sampler: vars.OTEL_TRACES_SAMPLER && {
      name: vars.OTEL_TRACES_SAMPLER,
      ratio: vars.OTEL_TRACES_SAMPLER_ARG ?? 1,
    },
  };
}

// The spec: the signal-specific endpoint is used as is; the generic one gets `v1/traces` appended to its path.
function otlpTracesUrl(tracesEndpoint?: string, endpoint?: string): string | undefined {
  if (tracesEndpoint !== undefined) return tracesEndpoint;
  if (endpoint === undefined) return undefined;
  return `${endpoint.replace(/\/?$/, '/')}v1/traces`;
}

// The same error as the services' own configuration, so the preload reports it the same way.
function configError(issues: readonly z.core.$ZodIssue[], variable?: string): ConfigError {
  return new ConfigError(
    issues.map((issue) => ({ variable: variable ?? String(issue.path[0]), problem: issue.message })),
  );
}
