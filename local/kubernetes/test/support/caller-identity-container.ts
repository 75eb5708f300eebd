// What the node agent runs for the usage-reporter image in the node-agent suite: the AWS SDK's
// default credential chain, from nothing but the environment the agent gave it (the Pod spec's),
// then GetCallerIdentity. Prints the ARN and which variables it had.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const sts = new STSClient({});
const identity = await sts.send(new GetCallerIdentityCommand({}));
process.stdout.write(`${JSON.stringify({ arn: identity.Arn, env: Object.keys(process.env).sort() })}\n`);
sts.destroy();
