/**
 * OpenID Connect sign-in with oidc-client-ts: authorization code with PKCE, the state and verifier in
 * sessionStorage. The access token (a JWT from the provider carrying role, org and regions) is what
 * the hub verifies; the workbench only reads its claims to shape the screens.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { signIn } from './session';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope: string;
  /** the resource indicator (RFC 8707) to ask the access token for, where the provider wants one */
  resource?: string | null;
}

const CALLBACK = '/app/callback';

function manager(config: OidcConfig): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${location.origin}${CALLBACK}`,
    post_logout_redirect_uri: `${location.origin}/app/`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    automaticSilentRenew: false,
    ...(config.resource ? { extraQueryParams: { resource: config.resource }, extraTokenParams: { resource: config.resource } } : {}),
  });
}

export async function startOidcSignIn(config: OidcConfig): Promise<void> {
  await manager(config).signinRedirect();
}

/** Completes a sign-in on the callback page (the code for tokens, with the PKCE verifier kept at the start). */
export async function completeOidcSignIn(config: OidcConfig): Promise<void> {
  const user = await manager(config).signinRedirectCallback();
  signIn(user.access_token, 'oidc');
}

export function isOidcCallback(pathname: string): boolean {
  return pathname === '/callback';
}
