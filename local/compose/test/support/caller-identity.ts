// Runs as a child process with only a container's credential variables: resolves credentials
// through the SDK's default chain, as the service's own clients do, and prints who STS says it is.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

try {
  const { Arn } = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  process.stdout.write(JSON.stringify({ arn: Arn }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message }));
}
