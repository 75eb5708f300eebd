export { SecretCache, type SecretCacheStats } from './secret-cache.ts';
export {
  secretCacheDefaults,
  type SecretCacheLogger,
  type SecretCacheOptions,
} from './secret-cache-options.ts';
export { SecretUnavailableError } from './secret-unavailable-error.ts';
export type { SecretVersion } from './fetch-current-version.ts';
