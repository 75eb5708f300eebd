// The api is an application (src/main.ts); this is what another process could compose it from.
export { createApp, type AppDependencies } from './app.ts';
export { apiConfigSchema, cognitoIssuer, type ApiConfig } from './config.ts';
