/**
 * Who is calling, from the Authorization header. Department systems use their source's API key
 * (`ApiKey <key>`); a key that is presented but unknown is refused outright rather than treated as
 * anonymous, so a revoked key fails loudly.
 */
import { GraphQLError } from 'graphql';
import type { Caller } from '../datasources/context';
import type { DataSources } from '../datasources';
import { TokenError, type PersonClaims } from './jwt';

export class AuthError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

/**
 * @param verify checks a Bearer token (server/jwt.ts)
 * @param purpose the X-Purpose header (a procurator's case or task reference)
 */
export async function callerOf(
  header: string | undefined,
  sources: DataSources,
  verify?: (token: string) => Promise<PersonClaims>,
  purpose?: string | string[],
): Promise<Caller> {
  if (!header) return { kind: 'anonymous' };
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'apikey') {
    const source = value ? await sources.registry.byApiKey(value) : undefined;
    if (!source) throw new AuthError('the API key is not valid (revoked, rotated, or mistyped)');
    return { kind: 'source', sourceId: source._id.toHexString() };
  }
  if (scheme?.toLowerCase() === 'bearer' && verify) {
    if (!value) throw new AuthError('Authorization: Bearer needs a token');
    try {
      const claims = await verify(value);
      const p = typeof purpose === 'string' ? purpose.trim().slice(0, 200) : '';
      return { kind: 'person', ...claims, purpose: p || null };
    } catch (e) {
      if (e instanceof TokenError) throw new AuthError(e.message);
      throw e;
    }
  }
  throw new AuthError('unsupported Authorization scheme: use Bearer <token> or ApiKey <key>');
}
