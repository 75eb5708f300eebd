export { startLocalAlb, type LocalAlb, type LocalAlbOptions } from './local-alb.ts';
export { localAlbConfigSchema, type LocalAlbConfig } from './config.ts';
export type { TargetHealth, TargetState } from './target-group.ts';
