// An OpenID Connect provider for the tests (oidc-provider, a certified implementation), run as its own
// process on 127.0.0.1 as an organisation's identity provider would be: the workbench signs in there
// (authorization code with PKCE) and the hub verifies the access tokens it issues by its JWKS.
//
//   node test/oidc-provider.mjs <redirect uri>    prints `issuer <url>` once it listens
//
// People sign in on its development login page with any password; the login name says who they are:
// `<role>-<region>`, e.g. `procurator-500101` (a PROCURATOR of 万州区). The access token is a JWT for
// the hub (audience procuratorate-hub) carrying the hub's claims: role, regions, org.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
if (!redirectUri) throw new Error('usage: node test/oidc-provider.mjs <redirect uri>');
export const HUB_RESOURCE = 'urn:procuratorate:hub';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-key' };

/** The hub's claims of a login name `<role>-<region>`. */
function claimsOf(accountId) {
  const m = /^(procurator|analyst|department|admin)-(\d{2}|\d{4}|\d{6})$/.exec(accountId);
  if (!m) return null;
  const role = m[1].toUpperCase();
  return { role, regions: [m[2]], org: role === 'DEPARTMENT' ? `KSS-${m[2]}` : `JCY-${m[2]}`, name: `测试${m[1]}` };
}

const server = await new Promise((resolve) => {
  // the port first, so that the issuer (which must be in the tokens) is known before the provider exists
  import('node:http').then(({ createServer }) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [
    {
      client_id: 'workbench',
      token_endpoint_auth_method: 'none',
      // a browser app on the loopback address over http: oidc-provider takes that from native clients
      application_type: 'native',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  findAccount: async (_ctx, sub) =>
    claimsOf(sub) ? { accountId: sub, claims: async () => ({ sub, name: claimsOf(sub).name }) } : undefined,
  claims: { openid: ['sub'], profile: ['name'] },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => HUB_RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== HUB_RESOURCE) throw new Provider.errors.InvalidTarget();
        return {
          scope: 'hub',
          audience: 'procuratorate-hub',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: async (_ctx, token) => {
    const c = claimsOf(token.accountId);
    return c ? { role: c.role, regions: c.regions, org: c.org } : undefined;
  },
  scopes: ['openid', 'profile', 'hub'],
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider: ${err.stack}\n`));
server.on('request', provider.callback());
process.stdout.write(`issuer ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
