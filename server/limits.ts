/**
 * Abuse limits on GraphQL documents (SECURITY.md defaults), by GraphQL Armor: maintained, built for
 * Apollo Server, and the defaults OWASP's GraphQL cheat sheet points to. Depth and cost look through
 * fragments (`flattenFragments`), so fragments do not hide depth. Introspection is counted whenever it
 * is off (production): there a deep `__schema` probe is refused by the limit before anything else. Where
 * introspection is on (development), the IDE's own introspection query (depth 15) must pass, so it is
 * not counted there.
 * Rejections answer QUERY_TOO_COMPLEX (formatError maps them) and say the limit and what was found.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';

export interface DocumentLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  /** list sizes × fields, for analysts' ad-hoc queries (server/list-cost.ts) */
  cost: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { depth: 10, aliases: 30, directives: 50, tokens: 5000, cost: 20000 };

export function documentProtection(limits: DocumentLimits, production: boolean) {
  return new ApolloArmor({
    maxDepth: { n: limits.depth, ignoreIntrospection: !production, flattenFragments: true, exposeLimits: true },
    maxAliases: { n: limits.aliases, allowList: [], exposeLimits: true },
    maxDirectives: { n: limits.directives, exposeLimits: true },
    maxTokens: { n: limits.tokens, exposeLimits: true },
    // Armor's cost is a depth-weighted estimate that ignores page sizes; the hub prices list sizes
    // × fields itself (server/list-cost.ts), so this one is off.
    costLimit: { enabled: false },
    // Field suggestions ("Did you mean …?") reveal the schema: off in production.
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

/** Whether an error is one of these limits (GraphQL Armor's messages). */
export function isLimitError(message: string): boolean {
  return /(depth|Aliases|Directives|Token) limit of \d+ exceeded/i.test(message);
}
