export { howItEnds, spawnOwned, stopOwned, type OwnedSpawnOptions } from './spawn-owned.ts';
export { holdPath, killEverythingHeld, releasePath } from './lifeline.ts';
