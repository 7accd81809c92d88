/**
 * Abuse limits on GraphQL documents (docs/security.md defaults), by GraphQL Armor: maintained, built for
 * Apollo Server, and the defaults OWASP's GraphQL cheat sheet points to. The token limit is graphql-js's
 * own (`parse(…, { maxTokens })`, Apollo's `parseOptions`): Armor's counts them by parsing the
 * document once more in a hook whose throw Apollo answers 500, and which also turned every syntax
 * error into a 500 GRAPHQL_VALIDATION_FAILED; graphql-js stops the one parse and Apollo answers 400. Depth and cost look through
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
    maxTokens: { enabled: false },
    // Armor's cost is a depth-weighted estimate that ignores page sizes; the hub prices list sizes
    // × fields itself (server/list-cost.ts), so this one is off.
    costLimit: { enabled: false },
    // Field suggestions ("Did you mean …?") reveal the schema: off in production.
    blockFieldSuggestion: { enabled: production },
  }).protect();
}

/** Apollo's `parseOptions`: graphql-js stops parsing past the token limit (`<EOF>` is not counted). */
export function parseOptions(limits: DocumentLimits) {
  return { maxTokens: limits.tokens };
}

/** graphql-js's words for the token limit (16.x spells it "more that"). */
const TOKENS = /Document contains more tha[nt] (\d+) tokens/;

/** Whether an error is one of these limits (GraphQL Armor's messages, graphql-js's token limit). */
export function isLimitError(message: string): boolean {
  return /(depth|Aliases|Directives|Token) limit of \d+ exceeded/i.test(message) || TOKENS.test(message);
}

/** A limit error's message for the client: the limit and what was found, in one wording for all. */
export function limitMessage(message: string): string {
  const tokens = TOKENS.exec(message);
  return tokens ? `Token limit of ${tokens[1]} exceeded.` : message.replace(/^Syntax Error: /, '');
}
