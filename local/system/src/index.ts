export {
  startSystem,
  systemNeeds,
  type RunningSystem,
  type SystemDescription,
  type SystemOptions,
} from './start-system.ts';
export { systemEnv, type SystemConfig } from './system-config.ts';
