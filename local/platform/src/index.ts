export { startEmulatorProcess, type RunningEmulator } from './emulator-process.ts';
export { startEmbeddedDatabase, type DatabaseServer } from './embedded-database.ts';
export {
  adminClients,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
} from '@keyless/emulator-admin';
export { bootstrap, type BootstrapOptions, type BootstrapResult } from './bootstrap/bootstrap.ts';
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
