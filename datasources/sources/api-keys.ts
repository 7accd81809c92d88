/**
 * Department API keys: 32 random bytes, shown once at registration or rotation, stored only as a
 * SHA-256 hash. A fast hash is right here: the key is random with 256 bits of entropy, so there is
 * nothing to brute-force (slow password hashes exist for low-entropy secrets).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'hubk_';

export function newApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a string has the shape of a key this hub issues (cheap check before any lookup). */
export function looksLikeApiKey(key: string): boolean {
  return key.startsWith(PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(key.slice(PREFIX.length));
}
