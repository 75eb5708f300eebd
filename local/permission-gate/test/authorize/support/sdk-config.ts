import { throwawayCredentials } from './capture-server.ts';
import { REGION } from './resolve.ts';

/** What every SDK client in these tests is built with: one attempt, the capture server, throwaway keys. */
export function sdkConfig(endpoint: string) {
  return { endpoint, region: REGION, credentials: throwawayCredentials(), maxAttempts: 1 };
}

/**
 * `client.send(command)` for any command of the client: the tests' helpers take commands of many
 * types, which the clients' overloaded generic `send` signatures do not let one parameter express.
 */
export function sendCommand(
  client: { send(command: never): Promise<unknown> },
  command: object,
): Promise<unknown> {
  return (client.send as unknown as (this: unknown, command: object) => Promise<unknown>).call(
    client,
    command,
  );
}
