import { JwtVerifier } from 'aws-jwt-verify';
import { assertIsJwks, type Jwks } from 'aws-jwt-verify/jwk';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
}

/**
 * Verifies Cognito access tokens, on AWS (issuer = the user pool's URL, JWKS fetched from it) and
 * locally (issuer = the local identity provider, whose JWKS the local stack hands over directly
 * because the library only fetches over HTTPS). The checks are the same in both places.
 */
export const createTokenVerifier = (opts: { issuer: string; clientId: string; jwks?: unknown }): TokenVerifier => {
  const verifier = JwtVerifier.create({
    issuer: opts.issuer,
    audience: null,
    jwksUri: `${opts.issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'access') throw new Error('Not an access token');
      if (payload.client_id !== opts.clientId) throw new Error('Token was issued to another client');
    },
  });
  if (opts.jwks !== undefined) {
    // Checked at run time: a malformed JWKS fails at start-up, not at the first request.
    assertIsJwks(opts.jwks as Json);
    verifier.cacheJwks(opts.jwks as Jwks);
  }
  return { verify: (token) => verifier.verify(token) };
};
