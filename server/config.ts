/**
 * The hub's configuration: the one place that reads `process.env`. Every variable is validated at
 * start; all problems are printed at once and the process exits. docs/configuration.md lists them.
 */
import type { OidcSettings } from './routes/workbench';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';
import type { JwtSettings } from './jwt';
import { parseGateways } from './gateways';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Express takes it: false, a number of hops, or a list of addresses, CIDR ranges and
 * the names loopback, linklocal, uniquelocal. A string starting with `!` is the problem with it.
 */
export function parseTrustProxy(value: string): boolean | number | string[] | string {
  const v = value.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v) <= 10 ? Number(v) : '!a hop count must be at most 10';
  const items = v.split(',').map((x) => x.trim());
  for (const item of items) {
    if (PROXY_NAMES.has(item)) continue;
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    if (!family || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits)))
      return `!"${item}" is not an IP address, a CIDR range, or one of loopback, linklocal, uniquelocal`;
  }
  return items;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
    .default('hub'),
  // The embedded store, used when MONGODB_URI is unset (docs/configuration.md): FerretDB 1.24
  // on PostgreSQL 16 that the hub starts and stops itself (datasources/store/embedded/).
  /** The embedded store's folder (relative to the project): <DATA_DIR>/postgres holds the embedded
   *  PostgreSQL's cluster (created on first start, reused after), <DATA_DIR>/postgres.log its log,
   *  and FerretDB keeps its state (and its SQLite files, with EMBEDDED_BACKEND=sqlite) here. */
  DATA_DIR: z.string().default('.data'),
  /** FerretDB's backend: `auto` (default) PostgreSQL, falling back to SQLite only when the embedded
   *  PostgreSQL is not installed for this platform; `postgresql` the same without that fallback;
   *  `sqlite` FerretDB on SQLite in DATA_DIR and no PostgreSQL (lookups by field are much slower). */
  EMBEDDED_BACKEND: z.enum(['auto', 'postgresql', 'sqlite']).default('auto'),
  /** A PostgreSQL server of your own for FerretDB (`postgres://user[:password]@host:port/db`, a user
   *  who may create databases); it must answer at start. Unset (default): the embedded PostgreSQL. */
  EMBEDDED_POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  /** The database FerretDB keeps its data in, on either server; created when missing. */
  EMBEDDED_POSTGRES_DB: z.string().default('hub'),
  /** The embedded PostgreSQL's port on 127.0.0.1 (default FERRETDB_PORT + 1, i.e. 27028: clear of a
   *  system PostgreSQL on 5432). */
  EMBEDDED_POSTGRES_PORT: int(1, 65535).optional(),
  FERRETDB_BIN: z.string().default('.tools/bin/ferretdb'),
  /** FerretDB's port on 127.0.0.1. */
  FERRETDB_PORT: int(1, 65535).default(27027),
  STORE_TIMEOUT_MS: int(100, 60000).default(3000),
  STORE_POOL_SIZE: int(1, 1000).default(20),
  STORE_PROFILE: z.enum(['auto', 'ferretdb', 'mongodb']).default('auto'),
  STORE_BATCH_LOOKUP: z.enum(['auto', 'in', 'equality']).default('auto'),
  STORE_LIST_READS: z.enum(['auto', 'sorted', 'by-day']).default('auto'),
  STORE_COMMAND_METRICS: bool.default(false),
  /** unset: the store profile's choice (FerretDB yes, MongoDB no) */
  STATISTICS_AHEAD: bool.optional(),
  STATISTICS_MAX_BUCKETS: int(1, 10_000_000).default(10_000),
  STORE_VACUUM_CHECK_MS: int(0, 86_400_000).default(300_000),
  STORE_POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  SEED_ON_EMPTY: bool.default(true),
  SEED_PERSONS: int(1, 10_000_000).default(10_000),
  SEED: int(0, 2 ** 31 - 1).default(1),
  MAX_PAGE_SIZE: int(1, 10_000).default(500),
  MAX_DOSSIER_IDS: int(1, 10_000).default(500),
  REGISTRY_REFRESH_MS: int(100, 600_000).default(2000),
  /** the full run, the safety net of incremental evaluation and wake-ups: nightly by default */
  EVALUATION_INTERVAL_MS: int(0, 7 * 86_400_000).default(24 * 3_600_000),
  /** from a change of rule parameters (or the working calendar) to the full run it calls for; 0: none */
  EVALUATION_AFTER_CHANGE_MS: int(0, 86_400_000).default(60_000),
  EVALUATION_CHUNK_RECORDS: int(1000, 10_000_000).default(250_000),
  INCREMENTAL_EVALUATION_MS: int(0, 3_600_000).default(2000),
  INGEST_FUTURE_SKEW_S: int(0, 30 * 86_400).default(86_400),
  REJECTION_RETENTION_DAYS: int(1, 36_500).default(180),
  /** largest attachment (POST /attachments), in bytes; at most 15 MiB, as a file is one document of the store (16 MiB) */
  ATTACHMENT_MAX_BYTES: int(1, 15 * 1024 * 1024).default(10 * 1024 * 1024),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_JWKS_FILE: z.string().optional(),
  JWT_ALGORITHMS: z
    .string()
    .regex(/^(HS|RS|ES|PS)(256|384|512)(,(HS|RS|ES|PS)(256|384|512))*$/, 'a comma-separated list such as HS256 or RS256,ES256; never none')
    .optional(),
  JWT_JWKS_URL: z.string().url('must be a URL').optional(),
  /** the organisation's OpenID Connect provider: the workbench signs people in there, the hub verifies its tokens */
  OIDC_ISSUER: z.string().url("must be the provider's issuer URL").optional(),
  OIDC_CLIENT_ID: z.string().min(1).default('procuratorate-workbench'),
  OIDC_SCOPE: z.string().min(1).default('openid profile'),
  OIDC_RESOURCE: z.string().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().default('procuratorate-hub'),
  JWT_CLOCK_SKEW_S: int(0, 300).default(30),
  REQUIRE_TRUSTED_OPERATIONS: bool.default(false),
  /** `subgraph`: /graphql is an Apollo Federation 2 subgraph (docs/federation.md) */
  FEDERATION: z.enum(['off', 'subgraph']).default('off'),
  /** gateways allowed in front of the subgraph, `name:sha256(key)` comma-separated (npm run gateway-key) */
  FEDERATION_GATEWAYS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const { gateways, problems } = parseGateways(v);
      for (const p of problems) ctx.addIssue({ code: 'custom', message: p });
      return gateways;
    }),
  REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
  BODY_IDLE_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  /** which proxies' X-Forwarded-For to believe (Express's `trust proxy`): `false`, a hop count, or addresses/CIDRs/`loopback`… */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (typeof parsed === 'string' && parsed.startsWith('!')) {
        ctx.addIssue({ code: 'custom', message: parsed.slice(1) });
        return z.NEVER;
      }
      return parsed;
    }),
  SHUTDOWN_GRACE_MS: int(0, 3_600_000).default(20_000),
  RATE_LIMIT_POINTS: int(0, 1_000_000).default(600),
  RATE_LIMIT_WINDOW_S: int(1, 86_400).default(60),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LIMIT_DEPTH: int(1, 100).default(10),
  LIMIT_ALIASES: int(0, 1000).default(30),
  LIMIT_DIRECTIVES: int(0, 1000).default(50),
  LIMIT_TOKENS: int(10, 1_000_000).default(5000),
  LIMIT_COST: int(10, 10_000_000).default(20000),
  /** subscriptions one WebSocket connection may hold at once */
  SUBSCRIPTIONS_PER_CONNECTION: int(1, 1000).default(10),
  /** WebSocket connections one caller may hold at once on one hub process */
  SUBSCRIPTION_CONNECTIONS_PER_ACTOR: int(1, 100_000).default(10),
  /** how often each hub process polls the change events while someone subscribes */
  SUBSCRIPTION_POLL_MS: int(20, 60_000).default(250),
  /** how far back each poll (and each resume) reads the change events again: writers on other replicas commit out of order */
  SUBSCRIPTION_OVERLAP_MS: int(1000, 600_000).default(5000),
  /** how long change events are kept, so a client can resume from its last cursor */
  SUBSCRIPTION_EVENTS_RETENTION_S: int(60, 30 * 86_400).default(86_400),
});

export type Config = z.output<typeof schema> & {
  dataDir: string;
  ferretdbBin: string;
  embeddedPostgresPort: number;
  jwt: JwtSettings;
  auditKey: string;
  /** the workbench's sign-in at the organisation's OpenID Connect provider */
  oidc?: OidcSettings;
};

/** Only for development and tests: production refuses to start with it (or without JWT settings). */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production-0001';
export const DEVELOPMENT_AUDIT_KEY = 'development-only-audit-key-do-not-use-in-production-01';

/** Parses the environment; on any problem prints every one of them and exits with code 2. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    process.stderr.write(`Invalid configuration:\n${lines.join('\n')}\nSee docs/configuration.md.\n`);
    process.exit(2);
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.NODE_ENV === 'production' && !c.JWT_SECRET && !c.JWT_JWKS_FILE && !c.JWT_JWKS_URL && !c.OIDC_ISSUER)
    problems.push('  JWT_SECRET, JWT_JWKS_FILE, JWT_JWKS_URL or OIDC_ISSUER: one is required in production');
  if ([c.JWT_SECRET, c.JWT_JWKS_FILE, c.JWT_JWKS_URL].filter(Boolean).length > 1)
    problems.push('  JWT_SECRET, JWT_JWKS_FILE, JWT_JWKS_URL: give one way to check tokens');
  if (c.JWT_SECRET === DEVELOPMENT_JWT_SECRET && c.NODE_ENV === 'production')
    problems.push('  JWT_SECRET: the development secret cannot be used in production');
  if (c.NODE_ENV === 'production' && !c.AUDIT_KEY)
    problems.push("  AUDIT_KEY: required in production (the key of the audit trail's HMACs)");
  const embeddedPostgresPort = c.EMBEDDED_POSTGRES_PORT ?? c.FERRETDB_PORT + 1;
  if (embeddedPostgresPort > 65535)
    problems.push('  EMBEDDED_POSTGRES_PORT: required when FERRETDB_PORT is 65535 (its default is FERRETDB_PORT + 1)');
  if (embeddedPostgresPort === c.FERRETDB_PORT) problems.push('  EMBEDDED_POSTGRES_PORT: must differ from FERRETDB_PORT');
  if (problems.length > 0) {
    process.stderr.write(`Invalid configuration:\n${problems.join('\n')}\nSee docs/configuration.md.\n`);
    process.exit(2);
  }
  // tokens from an OpenID Connect provider are checked by its keys unless another way is given
  const byKeys = !!(c.JWT_JWKS_FILE || c.JWT_JWKS_URL || (c.OIDC_ISSUER && !c.JWT_SECRET));
  const algorithms = (c.JWT_ALGORITHMS ?? (byKeys ? 'RS256,ES256' : 'HS256')).split(',');
  return {
    ...c,
    auditKey: c.AUDIT_KEY ?? DEVELOPMENT_AUDIT_KEY,
    jwt: {
      secret: byKeys ? undefined : (c.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET),
      jwksUrl: c.JWT_JWKS_URL,
      jwksFile: c.JWT_JWKS_FILE ? path.resolve(projectRoot, c.JWT_JWKS_FILE) : undefined,
      algorithms,
      issuer: c.JWT_ISSUER ?? c.OIDC_ISSUER ?? 'procuratorate-hub',
      audience: c.JWT_AUDIENCE,
      clockToleranceS: c.JWT_CLOCK_SKEW_S,
    },
    dataDir: path.resolve(projectRoot, c.DATA_DIR),
    ferretdbBin: path.resolve(projectRoot, c.FERRETDB_BIN),
    embeddedPostgresPort,
    oidc: c.OIDC_ISSUER ? { issuer: c.OIDC_ISSUER, clientId: c.OIDC_CLIENT_ID, scope: c.OIDC_SCOPE, resource: c.OIDC_RESOURCE } : undefined,
  };
}
