/**
 * What a service tells the client factory. Credentials are deliberately absent: every client
 * resolves them through the SDK's default provider chain (environment, web identity token file,
 * ECS/EKS container endpoint, IMDS), which is how the same code runs locally and on AWS.
 */
export interface AwsSettings {
  region: string;
  /** True when AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE> points the SDK at an emulator. */
  endpointOverridden: boolean;
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** Derives settings from the parsed standard AWS variables (the SDK reads the endpoints itself). */
export function awsSettingsFrom(env: {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
  AWS_ENDPOINT_URL_S3?: string | undefined;
}): AwsSettings {
  return {
    region: env.AWS_REGION,
    endpointOverridden: Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3),
  };
}
