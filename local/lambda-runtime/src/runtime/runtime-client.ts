// The runtime client: the first code of an execution environment's process, as Lambda's Node.js
// runtime interface client is. It imports the handler module (the init phase), then loops on the
// Runtime API: next invocation → handler(event, context) → response or error. Only Node's own
// modules here (and handler-module.ts, which has only those), so the function's process holds
// nothing but the function.
import { pathToFileURL } from 'node:url';
import { handlerModuleFile, splitHandler } from './handler-module.ts';

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

const env = process.env;
const api = `http://${env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;

function errorDocument(error: unknown, errorType?: string) {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: errorType ?? err.name,
    errorMessage: err.message,
    trace: (err.stack ?? '').split('\n'),
  };
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  await fetch(`${api}${path}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      // Not part of Lambda's API: the local runtime reports it as "Max Memory Used".
      'lambda-runtime-local-max-rss-kb': String(process.resourceUsage().maxRSS),
      ...headers,
    },
  });
}

async function loadHandler(): Promise<Handler> {
  const spec = env._HANDLER ?? '';
  const { moduleName, exportName } = splitHandler(spec);
  const file = handlerModuleFile(env.LAMBDA_TASK_ROOT ?? '.', spec);
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler as Handler;
}

let handler: Handler;
try {
  handler = await loadHandler();
} catch (error) {
  await post('/init/error', JSON.stringify(errorDocument(error)), {
    'lambda-runtime-function-error-type': (error as Error).name,
  });
  process.exit(1);
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const requestId = next.headers.get('lambda-runtime-aws-request-id') ?? '';
  const deadline = Number(next.headers.get('lambda-runtime-deadline-ms'));
  const event: unknown = await next.json();
  env._X_AMZN_TRACE_ID = next.headers.get('lambda-runtime-trace-id') ?? '';
  const context = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    await post(`/invocation/${requestId}/response`, JSON.stringify(result ?? null));
  } catch (error) {
    await post(`/invocation/${requestId}/error`, JSON.stringify(errorDocument(error)), {
      'lambda-runtime-function-error-type': 'Unhandled',
    });
  }
}
