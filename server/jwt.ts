/**
 * People's tokens: JWTs verified with jose (maintained, no dependencies, strict about algorithms).
 * Only the configured algorithms are accepted (never `none`; an HS key never verifies an RS token or
 * the reverse, because the key type is fixed by the configuration), with `exp`/`nbf` checked under a
 * small clock skew, and issuer and audience checked.
 */
import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JSONWebKeySet } from 'jose';

export const ROLES = ['PROCURATOR', 'ANALYST', 'DEPARTMENT', 'ADMIN'] as const;
export type PersonRole = (typeof ROLES)[number];

export interface JwtSettings {
  /** HMAC secret (development, or a single-hub deployment) */
  secret?: string;
  /** a JWKS file with the issuer's public keys (production) */
  jwksFile?: string;
  /** the issuer's JWKS by URL (an OpenID Connect provider's `jwks_uri`): fetched when a token names a key not yet known, and cached */
  jwksUrl?: string;
  algorithms: string[];
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

export interface PersonClaims {
  sub: string;
  org: string;
  role: PersonRole;
  /** region-code prefixes the caller's jurisdiction covers; ["50"] is the whole city */
  regions: string[];
  /** analysts: see personal fields in clear */
  unmasked: boolean;
}

export class TokenError extends Error {}

export function createJwtVerifier(settings: JwtSettings): (token: string) => Promise<PersonClaims> {
  const key = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 })
    : settings.jwksFile
      ? createLocalJWKSet(JSON.parse(fs.readFileSync(settings.jwksFile, 'utf8')) as JSONWebKeySet)
      : new TextEncoder().encode(settings.secret);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        algorithms: settings.algorithms,
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      throw new TokenError(describe(e));
    }
    const role = payload.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
      throw new TokenError(`token claim role must be one of ${ROLES.join(', ')}`);
    const regions = payload.regions;
    if (
      !Array.isArray(regions) ||
      regions.length === 0 ||
      !regions.every((r) => typeof r === 'string' && /^\d{2}(\d{2}(\d{2})?)?$/.test(r))
    ) {
      throw new TokenError('token claim regions must be a non-empty list of region-code prefixes');
    }
    if (typeof payload.org !== 'string' || !payload.org) throw new TokenError('token claim org is required');
    return {
      sub: payload.sub!,
      org: payload.org,
      role: role as PersonRole,
      regions: regions as string[],
      unmasked: payload.unmasked === true,
    };
  };
}

function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim check failed: ${(e as Error).message}`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return "the token's algorithm is not accepted here";
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return "the token's signature is not valid";
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'the token is malformed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key of the issuer matches the token';
    default:
      return `the token was refused (${code ?? (e as Error).message})`;
  }
}

/** Signs a development token (npm run token, npm start, tests). */
export async function signToken(
  settings: JwtSettings,
  claims: Omit<PersonClaims, 'unmasked'> & { unmasked?: boolean },
  ttl = '8h',
): Promise<string> {
  if (!settings.secret) throw new Error('signing needs JWT_SECRET (tokens for a JWKS setup come from the issuer)');
  return new SignJWT({ org: claims.org, role: claims.role, regions: claims.regions, ...(claims.unmasked ? { unmasked: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(settings.secret));
}

/**
 * An OpenID Connect provider's `jwks_uri`, from its discovery document
 * (`<issuer>/.well-known/openid-configuration`), checked to name the same issuer.
 */
export async function discoverJwksUrl(issuer: string, timeoutMs = 5000): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(
      `OIDC_ISSUER: the provider's discovery document ${url} could not be read: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!res.ok) throw new Error(`OIDC_ISSUER: the provider's discovery document ${url} answered ${res.status}`);
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== issuer) throw new Error(`OIDC_ISSUER: the discovery document names the issuer ${String(doc.issuer)}, not ${issuer}`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC_ISSUER: the discovery document ${url} has no jwks_uri`);
  return doc.jwks_uri;
}
