// Lowercase as Node and the AWS SDK write them; capitalised as hand-written header objects tend to.
const SECRET_HEADERS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'x-amz-security-token',
  'X-Amz-Security-Token',
];

// Any `headers` object at the top level or up to two levels down: headers, req.headers,
// request.headers, res.headers, upstream.request.headers, ...
const HEADER_CONTAINERS = ['headers', '*.headers', '*.*.headers'];

// camelCase as in app code, PascalCase as in AWS API responses (Secrets Manager, STS), snake_case
// as in OAuth token responses (Cognito's /oauth2/token).
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'idToken',
  'id_token',
  'refreshToken',
  'refresh_token',
  'password',
  'secret',
  'secretString',
  'SecretString',
  'secretAccessKey',
  'SecretAccessKey',
  'sessionToken',
  'SessionToken',
  'clientSecret',
  'ClientSecret',
  'client_secret',
];

// A key at the top level (depth 0) or nested up to three objects deep.
const KEY_PREFIXES = ['', '*.', '*.*.', '*.*.*.'];

/** Every path pino censors, in pino's redact path syntax. */
export const redactPaths: readonly string[] = [
  ...HEADER_CONTAINERS.flatMap((container) => SECRET_HEADERS.map((header) => `${container}["${header}"]`)),
  ...KEY_PREFIXES.flatMap((prefix) => SECRET_KEYS.map((key) => `${prefix}${key}`)),
];

export const REDACTED = '[REDACTED]';
