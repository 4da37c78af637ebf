/** Runtime settings the server publishes at GET /config.json (one bundle for every environment). */
export interface RuntimeConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Cognito's endpoint, or the local identity provider (`http://127.0.0.1:<port>/local-idp/`). */
  identityEndpoint: string;
  /** Origin (and optional prefix) of the public API; '' means the console's own origin. */
  apiBaseUrl: string;
}

const keys = ['region', 'userPoolId', 'userPoolClientId', 'identityEndpoint', 'apiBaseUrl'] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const parseConfig = (value: unknown): RuntimeConfig => {
  if (typeof value !== 'object' || value === null) throw new ConfigError('config.json is not a JSON object.');
  const record = value as Record<string, unknown>;
  const out: Partial<Record<(typeof keys)[number], string>> = {};
  for (const key of keys) {
    const v = record[key];
    if (typeof v !== 'string') throw new ConfigError(`config.json: "${key}" must be a string.`);
    if (key !== 'apiBaseUrl' && v === '') throw new ConfigError(`config.json: "${key}" must not be empty.`);
    out[key] = v;
  }
  return {
    region: out.region ?? '',
    userPoolId: out.userPoolId ?? '',
    userPoolClientId: out.userPoolClientId ?? '',
    identityEndpoint: out.identityEndpoint ?? '',
    // Joined with paths that start with '/', so a trailing slash would double it.
    apiBaseUrl: (out.apiBaseUrl ?? '').replace(/\/+$/, ''),
  };
};

export const loadConfig = async (): Promise<RuntimeConfig> => {
  let response: Response;
  try {
    response = await fetch('/config.json', { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch {
    throw new ConfigError('The console could not reach its server to load /config.json.');
  }
  if (!response.ok) throw new ConfigError(`Loading /config.json failed (HTTP ${response.status}).`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError('/config.json is not valid JSON.');
  }
  return parseConfig(body);
};
