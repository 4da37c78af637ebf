import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
}

/**
 * Verifies Cognito access tokens, on AWS (issuer = the user pool's URL, JWKS fetched from it) and
 * locally (issuer = the local identity provider, whose JWKS the local stack hands over directly
 * because the library only fetches over HTTPS). The checks are the same in both places.
 */
export const createTokenVerifier = (opts: { issuer: string; clientId: string; jwks?: Jwks }): TokenVerifier => {
  const verifier = JwtRsaVerifier.create({
    issuer: opts.issuer,
    audience: null,
    jwksUri: `${opts.issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'access') throw new Error('Not an access token');
      if (payload.client_id !== opts.clientId) throw new Error('Token was issued to another client');
    },
  });
  if (opts.jwks) verifier.cacheJwks(opts.jwks);
  return { verify: (token) => verifier.verify(token) };
};
