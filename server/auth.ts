/**
 * Who is calling, from the Authorization header. Department systems use their source's API key
 * (`ApiKey <key>`); a key that is presented but unknown is refused outright rather than treated as
 * anonymous, so a revoked key fails loudly.
 */
import { GraphQLError } from 'graphql';
import type { Caller } from '../datasources/context';
import type { DataSources } from '../datasources';

export class AuthError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

export async function callerOf(header: string | undefined, sources: DataSources): Promise<Caller> {
  if (!header) return { kind: 'anonymous' };
  const [scheme, value] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'apikey') {
    const source = value ? await sources.registry.byApiKey(value) : undefined;
    if (!source) throw new AuthError('the API key is not valid (revoked, rotated, or mistyped)');
    return { kind: 'source', sourceId: source._id.toHexString() };
  }
  return { kind: 'anonymous' };
}
