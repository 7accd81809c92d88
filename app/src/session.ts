/**
 * Who is signed in: the token the hub verifies, the claims it carries (read here only to shape the
 * screens: the hub checks everything again), and the purpose (办案用途, sent as X-Purpose) of the
 * task at hand. Kept in sessionStorage: closing the tab signs out.
 */
import { useSyncExternalStore } from 'react';

export type Role = 'PROCURATOR' | 'ANALYST' | 'DEPARTMENT' | 'ADMIN';

export interface Claims {
  sub: string;
  org: string;
  role: Role;
  regions: string[];
  unmasked?: boolean;
  name?: string;
}

export interface Session {
  token: string;
  claims: Claims;
  /** how the person signed in: the development picker, or the identity provider */
  via: 'development' | 'oidc';
  /** the purpose of the current task; procurators must give one before reading personal data */
  purpose: string | null;
  /** seconds since the epoch when the token expires */
  expiresAt: number | null;
}

const KEY = 'hub.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (s.expiresAt && s.expiresAt * 1000 < Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

function publish(next: Session | null): void {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

/** The claims of a JWT, read without checking it (the hub checks it). */
export function claimsOf(token: string): Claims & { exp?: number } {
  const part = token.split('.')[1] ?? '';
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json) as Claims & { exp?: number };
}

export function signIn(token: string, via: Session['via']): void {
  const claims = claimsOf(token);
  publish({ token, claims, via, purpose: null, expiresAt: claims.exp ?? null });
}

export function setPurpose(purpose: string | null): void {
  if (current) publish({ ...current, purpose });
}

export function signOut(): void {
  publish(null);
}

export function getSession(): Session | null {
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
