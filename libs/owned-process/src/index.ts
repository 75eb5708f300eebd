export { spawnOwned, stopOwned, type OwnedSpawnOptions } from './spawn-owned.ts';
export { holdPath, releasePath } from './lifeline.ts';
