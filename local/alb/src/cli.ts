// `node local/alb/src/cli.ts`: the local ALB as a process, configured by ALB_* variables.
import { loadConfig } from '@keyless/config';
import { createLogger } from '@keyless/logging';
import { localAlbConfigSchema } from './config.ts';
import { startLocalAlb } from './local-alb.ts';

const config = loadConfig(localAlbConfigSchema);
const logger = createLogger({ service: 'local-alb', level: config.LOG_LEVEL });
const alb = await startLocalAlb({
  host: config.ALB_HOST,
  port: config.ALB_PORT,
  targets: config.ALB_TARGETS,
  healthCheck: {
    path: config.ALB_HEALTH_CHECK_PATH,
    intervalMs: config.ALB_HEALTH_CHECK_INTERVAL_SECONDS * 1000,
    timeoutMs: config.ALB_HEALTH_CHECK_TIMEOUT_SECONDS * 1000,
    healthyThreshold: config.ALB_HEALTHY_THRESHOLD,
    unhealthyThreshold: config.ALB_UNHEALTHY_THRESHOLD,
  },
  idleTimeoutMs: config.ALB_IDLE_TIMEOUT_SECONDS * 1000,
  dropInvalidHeaderFields: config.ALB_DROP_INVALID_HEADER_FIELDS,
  accessLogs: config.ALB_ACCESS_LOGS,
  logger,
});
logger.info({ url: alb.url, targets: config.ALB_TARGETS }, 'local ALB listening');

const stop = async () => {
  await alb.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
