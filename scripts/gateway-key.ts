/**
 * `npm run --silent gateway-key -- --name NAME`
 *
 * Makes a key for a federation gateway (docs/federation.md): prints the key, which the gateway sends
 * as `X-Gateway-Key` (the example gateway reads it from HUB_GATEWAY_KEY), and the entry the hub's
 * FEDERATION_GATEWAYS takes, which holds only the key's SHA-256. The key is shown once.
 */
import { parseArgs } from 'node:util';
import { hashGatewayKey, newGatewayKey } from '../server/gateways';

const { values } = parseArgs({ options: { name: { type: 'string' } } });
const name = values.name?.trim() ?? '';
if (!/^[\w.-]{1,64}$/.test(name)) {
  process.stderr.write('--name is required: letters, digits, _ . - (at most 64), e.g. --name national-gateway\n');
  process.exit(2);
}
const key = newGatewayKey();
process.stdout.write(`HUB_GATEWAY_KEY=${key}\nFEDERATION_GATEWAYS=${name}:${hashGatewayKey(key)}\n`);
