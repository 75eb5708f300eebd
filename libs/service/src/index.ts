export { runService, type RunningService, type ServiceDefinition } from './run-service.ts';
export { createServiceContext, type ServiceContext } from './service-context.ts';
export {
  serviceContextEnv,
  serviceProcessEnv,
  type ServiceContextSettings,
  type ServiceProcessSettings,
} from './service-env.ts';
