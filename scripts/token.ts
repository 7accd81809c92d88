/**
 * `npm run token -- --role ROLE [--regions 500101,500102] [--org CODE] [--sub NAME] [--unmasked] [--ttl 8h]`
 *
 * Prints a development token signed with the configured JWT_SECRET (the development secret when
 * unset). Production tokens come from the identity provider whose keys JWT_JWKS_FILE holds.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { ROLES, signToken, type PersonRole } from '../server/jwt';

async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      regions: { type: 'string', default: '50' },
      org: { type: 'string' },
      sub: { type: 'string' },
      unmasked: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const role = values.role?.toUpperCase();
  if (!role || !(ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const regions = values
    .regions!.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (regions.length === 0 || !regions.every((r) => /^\d{2}(\d{2}(\d{2})?)?$/.test(r)))
    throw new Error('--regions takes region-code prefixes, e.g. 50 or 500101,500102');
  const config = loadConfig();
  const token = await signToken(
    config.jwt,
    {
      sub: values.sub ?? `dev-${role.toLowerCase()}`,
      org: values.org ?? 'DEV',
      role: role as PersonRole,
      regions,
      unmasked: values.unmasked,
    },
    values.ttl,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((e) => {
  process.stderr.write(`token: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
