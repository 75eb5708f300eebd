export {
  adminClients,
  emulatorAccountId,
  emulatorAdminCredentials,
  type AdminClients,
  type EmulatorTarget,
} from './emulator-admin.ts';
