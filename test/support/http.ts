import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Small HTTP helpers for tests that drive a running stack as an API client would. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

export const request = async (
  baseUrl: string,
  method: string,
  path_: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> => {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path_}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
};

/** Cognito's JSON protocol, as the console and the SDK speak it. */
export const cognito = async (baseUrl: string, action: string, body: unknown) => {
  const res = await fetch(`${baseUrl}/local-idp/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

export const signIn = async (baseUrl: string, username: string, password: string): Promise<string> => {
  const res = await cognito(baseUrl, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'opsconductor-console',
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  const result = res.body.AuthenticationResult as { AccessToken?: string } | undefined;
  if (res.status !== 200 || !result?.AccessToken) throw new Error(`sign-in failed: ${JSON.stringify(res.body)}`);
  return result.AccessToken;
};

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Sign a JWT with the local identity provider's own key file, to make tokens it would never issue. */
export const signWithKeyFile = (dataDir: string, header: Record<string, unknown>, payload: Record<string, unknown>): string => {
  const key = createPrivateKey(readFileSync(path.join(dataDir, 'identity', 'signing-key.pem')));
  return signWithKey(key, header, payload);
};

export const signWithKey = (key: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>): string => {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', ...header })}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
};

export const decodeJwt = (token: string) => ({
  header: JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>,
  payload: JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>,
});

/** POSTs as `token` and answers the created resource's id; anything but 201 fails the test. */
export const creator =
  (baseUrl: string, token: string) =>
  async (path_: string, body: unknown): Promise<string> => {
    const res = await request(baseUrl, 'POST', path_, { token, body });
    if (res.status !== 201) throw new Error(`POST ${path_}: ${String(res.status)} ${res.text}`);
    return String(res.json().id);
  };
