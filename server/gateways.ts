/**
 * Federation gateways the hub knows (docs/federation.md): a gateway in front of the hub as a
 * subgraph proves who it is with its own key in `X-Gateway-Key`, beside the end caller's token, so
 * the audit entry names both. The hub's configuration keeps only each key's SHA-256
 * (`FEDERATION_GATEWAYS=name:sha256,…`), never a key; `npm run gateway-key -- --name N` makes one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AuthError } from './auth';

export const GATEWAY_KEY_HEADER = 'x-gateway-key';

/** A gateway's name by the SHA-256 of its key. */
export type Gateways = ReadonlyMap<string, string>;

export function hashGatewayKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: 32 random bytes, base64url, with a prefix that says what it is. */
export function newGatewayKey(): string {
  return `hubgw_${randomBytes(32).toString('base64url')}`;
}

/** `name:sha256,name:sha256` → the map; each problem named (for the configuration's error). */
export function parseGateways(value: string): { gateways: Gateways; problems: string[] } {
  const gateways = new Map<string, string>();
  const problems: string[] = [];
  for (const [i, entry] of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const m = /^([\w.-]{1,64}):([0-9a-f]{64})$/.exec(entry);
    if (!m) problems.push(`entry ${i + 1} must be name:sha256 (a name of letters, digits, _ . -, and the key's SHA-256 in hex)`);
    else if ([...gateways.values()].includes(m[1])) problems.push(`entry ${i + 1}: the name ${m[1]} is given twice`);
    else gateways.set(m[2], m[1]);
  }
  return { gateways, problems };
}

/**
 * The gateway a request came through: null without the header; its name when the key is known;
 * UNAUTHENTICATED otherwise (a key the hub does not know is never taken for a direct call).
 */
export function gatewayOf(header: string | string[] | undefined, gateways: Gateways): string | null {
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header[0] : header;
  const name = key ? gateways.get(hashGatewayKey(key.trim())) : undefined;
  if (!name)
    throw new AuthError(
      gateways.size === 0
        ? 'X-Gateway-Key was sent, but this hub knows no gateways (FEDERATION_GATEWAYS)'
        : 'the gateway key is not valid (not in FEDERATION_GATEWAYS)',
    );
  return name;
}
