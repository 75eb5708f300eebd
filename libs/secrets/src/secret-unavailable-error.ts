/** Thrown only when a secret cannot be fetched and no earlier value is cached to fall back on. */
export class SecretUnavailableError extends Error {
  readonly secretId: string;

  constructor(secretId: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`secret ${secretId} is unavailable (${detail})`, { cause });
    this.name = 'SecretUnavailableError';
    this.secretId = secretId;
  }
}
