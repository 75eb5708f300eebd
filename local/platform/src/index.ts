export { startEmulatorProcess, type EmulatorOptions, type RunningEmulator } from './emulator-process.ts';
export { emulators, type Emulator } from './emulators/emulators.ts';
export { capabilities, hasCapability, lacking, type Capability } from './emulators/emulator-capabilities.ts';
export { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
export {
  adminClients,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
} from '@keyless/emulator-admin';
export {
  bootstrap,
  bootstrapNeeds,
  type BootstrapOptions,
  type BootstrapResult,
} from './bootstrap/bootstrap.ts';
export { freePort } from './free-port.ts';
export {
  startLocalPlatform,
  type LocalPlatformOptions,
  type PlatformDescription,
  type RunningPlatform,
} from './platform.ts';
export { repoRoot } from './paths.ts';
export { waitUntilHealthy } from './wait-until-healthy.ts';
export { ensureUploadsTable } from './bootstrap/storage.ts';
export { checkPrerequisites, describeProblems, type Problem } from './check-prerequisites.ts';
export { packagedBinaries, type PostgresBinaries } from './postgres/postgres-binaries.ts';
