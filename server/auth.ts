/**
 * Who is calling, from the Authorization header. Department systems use their source's API key
 * (`ApiKey <key>`); a key that is presented but unknown is refused outright rather than treated as
 * anonymous, so a revoked key fails loudly.
 */
import { GraphQLError } from 'graphql';
import type { Caller } from '../datasources/request/context';
import type { DataSources } from '../datasources';
import { TokenError, type PersonClaims } from './jwt';

/** Bounds of a purpose, in characters (code points): a case reference such as 渝检刑诉〔2026〕1号 is 14. */
export const PURPOSE_MIN = 3;
export const PURPOSE_MAX = 200;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A purpose the hub cannot take as sent: 400, naming the header (no value is echoed: it may be long or garbled). */
function badPurpose(message: string): GraphQLError {
  return new GraphQLError(`X-Purpose: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field: 'X-Purpose', http: { status: 400 } } });
}

/**
 * The X-Purpose header as the procurator wrote it, or null when absent or blank.
 * Node gives a header value as Latin-1, one character per byte (RFC 9110 leaves other bytes
 * "opaque"); a client that sends UTF-8 bytes (curl, node:http, most HTTP libraries) gets them read
 * back as UTF-8. Browsers' fetch refuses anything outside Latin-1 in a header, so a purpose may also
 * come percent-encoded (encodeURIComponent), which is decoded. Anything else is refused, so that no
 * purpose is stored garbled.
 */
export function purposeOf(header: string | string[] | undefined, text = false): string | null {
  if (typeof header !== 'string' || !header.trim()) return null;
  let value = header.trim();
  // `text`: a string as sent (a WebSocket connection parameter, JSON), not a header's bytes
  if (!text && /[^\x00-\x7f]/.test(value)) {
    try {
      value = UTF8.decode(Buffer.from(value, 'latin1'));
    } catch {
      throw badPurpose('is not valid UTF-8; send UTF-8 or percent-encode it (encodeURIComponent)');
    }
  } else if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      value = decodeURIComponent(value).trim();
    } catch {
      throw badPurpose('is not valid percent-encoded UTF-8; percent-encode the whole value with encodeURIComponent');
    }
  }
  if (/\p{Cc}/u.test(value)) throw badPurpose('must not contain control characters');
  const length = [...value].length;
  if (length < PURPOSE_MIN || length > PURPOSE_MAX) throw badPurpose(`must be ${PURPOSE_MIN} to ${PURPOSE_MAX} characters, got ${length}`);
  return value;
}

export class AuthError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

/**
 * @param verify checks a Bearer token (server/jwt.ts)
 * @param purpose the X-Purpose header (a procurator's case or task reference)
 * @param purposeText the purpose is a string as sent (a WebSocket connection parameter), not a header's bytes
 */
export async function callerOf(
  header: string | undefined,
  sources: DataSources,
  verify?: (token: string) => Promise<PersonClaims>,
  purpose?: string | string[],
  purposeText = false,
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
      return { kind: 'person', ...claims, purpose: purposeOf(purpose, purposeText) };
    } catch (e) {
      if (e instanceof TokenError) throw new AuthError(e.message);
      throw e;
    }
  }
  throw new AuthError('unsupported Authorization scheme: use Bearer <token> or ApiKey <key>');
}
