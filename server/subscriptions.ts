/**
 * GraphQL subscriptions over WebSocket at the GraphQL path, with graphql-ws (the `graphql-transport-ws`
 * protocol; maintained, the protocol Apollo's and GraphiQL's clients speak) on `ws`. Apollo Server does
 * not carry subscriptions, so what its plugins do for a query is done here with the same code:
 *
 * - the caller comes from the connection parameters (`authorization`, `purpose`: the Authorization and
 *   X-Purpose headers) through `callerOf`; a refused connection is closed with 4401 (credentials) or
 *   4400 (purpose), one over the caller's connection limit with 4429, each with the reason;
 * - each operation is parsed with the token limit, validated with the depth/alias/directive rules,
 *   and checked for introspection, trusted operations and the cost budget (server/authorization.ts,
 *   server/list-cost.ts); `@auth` runs when it starts (server/authorization.ts);
 * - the start (or refusal) is audited before anything is sent, and each event before it is sent, with
 *   what it disclosed to each subscriber: one entry per event and write naming every subscriber it went
 *   to (`EventAudit`, server/plugins/audit.ts); an event whose entry cannot be written is withheld
 *   and the subscription ends with SERVICE_UNAVAILABLE (the client resumes with `after`);
 * - each event is resolved with a fresh context (new loaders, nothing cached from earlier events);
 * - errors are shaped by the same `formatError` as HTTP answers.
 */
import { randomUUID } from 'node:crypto';
import { createLoaders, type Loaders } from '../datasources/request/loaders';
import type { DataSourceDoc } from '../datasources/store/models';
import type { IncomingMessage, Server } from 'node:http';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DataSources } from '../datasources';
import type { Caller, Context } from '../datasources/request/context';
import type { AuditLog } from '../datasources/services/audit';
import { recordProjections } from '../datasources/store/projection';
import type { Logger } from '../lib/logger';
import { AuthError, callerOf } from './auth';
import { refuseIntrospection, refuseUntrusted } from './authorization';
import type { PersonClaims } from './jwt';
import { refuseOverBudget } from './list-cost';
import { GRAPHQL_PATH } from './paths';
import { AUDIT_UNAVAILABLE, answerEntry, auditAnswer, EventAudit, type AuditedAnswer, type AuditedRequest } from './plugins/audit';
import { renewContext, withClientAddress, type ContextBuilder } from './request-context';

export interface SubscriptionLimits {
  /** subscriptions one connection may hold at once */
  perConnection: number;
  /** connections one caller (token `sub`, or API key's source) may hold at once in this process */
  connectionsPerActor: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { perConnection: 10, connectionsPerActor: 10 };

/** How long the loaders of one event's deliveries are kept for the subscribers it goes to. */
const SHARE_MS = 5000;

/** Close codes of refused connections (4400–4499 as graphql-ws uses them; the reason says why). */
export const CLOSE = {
  /** no, or a bad, token or API key; or the token expired while connected */
  unauthorized: CloseCode.Unauthorized,
  /** a connection parameter is not acceptable (the purpose) */
  badRequest: CloseCode.BadRequest,
  /** more connections than the caller may hold */
  tooManyConnections: 4429,
  /** the hub is stopping: reconnect (to another replica) with `after` */
  restart: 1012,
} as const;

export interface SubscriptionParts {
  schema: GraphQLSchema;
  context: ContextBuilder;
  sources: DataSources;
  verify: (token: string) => Promise<PersonClaims>;
  audit: AuditLog;
  logger: Logger;
  /** graphql-js's token limit (server/limits.ts) */
  maxTokens: number;
  /** graphql-armor's depth, alias and directive rules (server/limits.ts) */
  validationRules: readonly ValidationRule[];
  costBudget: number;
  requireTrustedOperations: boolean;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  limits: SubscriptionLimits;
  production: boolean;
  /** the client's address of an upgrade request, as Express's `req.ip` gives it (TRUST_PROXY) */
  clientAddress: (req: IncomingMessage) => string | undefined;
}

/** What one connection keeps between its messages. */
type Connection = {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: Caller;
  actor?: string;
  address?: string;
  expiry?: NodeJS.Timeout;
};

export interface Subscriptions {
  /** serves subscriptions on this HTTP server's upgrades to the GraphQL path */
  attach(server: Server): void;
  /** connections open now */
  connections(): number;
  /** closes every connection (1012: reconnect elsewhere) and stops accepting */
  close(): Promise<void>;
}

const actorOf = (caller: Caller): string | undefined =>
  caller.kind === 'person' ? `person:${caller.sub}` : caller.kind === 'source' ? `source:${caller.sourceId}` : undefined;

const refusal = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

export function createSubscriptions(parts: SubscriptionParts): Subscriptions {
  const log = parts.logger.child({ component: 'subscriptions' });
  const servers: WebSocketServer[] = [];
  const perActor = new Map<string, number>();
  const rules = [...specifiedRules, ...parts.validationRules];

  const close = (socket: WebSocket, code: number, reason: string) => {
    // a close reason is at most 123 bytes
    let r = reason;
    while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
    socket.close(code, r);
  };

  /** Audits an answer (a start, a refusal, an event); false when the entry could not be written. */
  const audited = async (ctx: Context, request: AuditedRequest, answer: Parameters<typeof auditAnswer>[3]): Promise<boolean> => {
    try {
      await auditAnswer(parts.audit, ctx, request, answer);
      return true;
    } catch (err) {
      log.error({ err, requestId: ctx.requestId }, 'audit entry not written: subscription answer withheld');
      return false;
    }
  };

  /**
   * Loaders shared by the subscribers one event goes to with the same jurisdiction and the same
   * operation text: they read the same records, so the event's person is read once for them all
   * instead of once each (1,000 subscribers sent 4,000 store commands per event, and a live source
   * would have been called 1,000 times). Each subscriber keeps its own context (masking, what it was
   * given, its audit); a live source's failure or call is noted in every context sharing the loaders,
   * those that join later included. Kept a few seconds: an event's deliveries run together.
   */
  interface Share {
    at: number;
    loaders: Loaders;
    members: Context[];
    failures: [DataSourceDoc, Error][];
    calls: [DataSourceDoc, boolean][];
  }
  const shares = new Map<string, Share>();
  const shareLoaders = (key: string, ctx: Context): void => {
    let share = shares.get(key);
    if (!share) {
      const now = Date.now();
      for (const [k, v] of shares) if (now - v.at > SHARE_MS) shares.delete(k);
      const made: Share = { at: now, members: [], failures: [], calls: [], loaders: undefined as unknown as Loaders };
      made.loaders = createLoaders(parts.sources, {
        regions: ctx.regions,
        report: (source, error) => {
          made.failures.push([source, error]);
          for (const m of made.members) m.reportSourceError(source, error);
        },
        called: (source, ok) => {
          made.calls.push([source, ok]);
          for (const m of made.members) m.noteSourceCall(source, ok);
        },
        projection: (d) => ctx.recordFields.projections?.[d],
      });
      share = made;
      shares.set(key, share);
    }
    share.members.push(ctx);
    for (const [source, error] of share.failures) ctx.reportSourceError(source, error);
    for (const [source, ok] of share.calls) ctx.noteSourceCall(source, ok);
    ctx.loaders = share.loaders;
  };

  const eventAudit = new EventAudit(parts.audit);
  /** Audits the delivery of an event to one subscriber (one entry per event and write: EventAudit); false when it could not be written. */
  const deliveryAudited = async (eventId: string, ctx: Context, request: AuditedRequest, answer: AuditedAnswer): Promise<boolean> => {
    try {
      await eventAudit.record(eventId, answerEntry(parts.audit, ctx, request, answer));
      return true;
    } catch (err) {
      log.error({ err, requestId: ctx.requestId }, 'audit entry not written: subscription event withheld');
      return false;
    }
  };

  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => {
      const formatted = parts.formatError(e.toJSON(), e);
      // no "Did you mean …?" in production (graphql-armor's blockFieldSuggestion does it for HTTP)
      return parts.production ? { ...formatted, message: formatted.message.replace(/ ?Did you mean .*$/, '') } : formatted;
    });

  const requestOf = (args: ExecutionArgs & { query?: string }): AuditedRequest => ({
    query: args.query,
    operationName: args.operationName,
    variables: args.variableValues as Record<string, unknown> | null,
  });

  /** A subscription's stream of results: each event resolved with a fresh context and audited before it is sent. */
  async function subscribe(args: ExecutionArgs & { query?: string }): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const base = args.contextValue as Context;
    const started = Date.now();
    const request = requestOf(args);
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? null;
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) {
      // refused when it started (@auth, a bad filter or cursor): audited like a refused query
      const errors = stream.errors ?? [];
      if (!(await audited(base, request, { hasData: false, errors, operationName, document: args.document, started })))
        return { errors: [new GraphQLError(AUDIT_UNAVAILABLE.message, { extensions: AUDIT_UNAVAILABLE.extensions })] };
      return stream;
    }
    const events = stream as AsyncIterableIterator<unknown>;
    if (!(await audited(base, request, { hasData: true, errors: [], operationName, document: args.document, started }))) {
      await events.return?.();
      return { errors: [new GraphQLError(AUDIT_UNAVAILABLE.message, { extensions: AUDIT_UNAVAILABLE.extensions })] };
    }
    let ended = false;
    const results: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        if (ended) return { value: undefined, done: true };
        const step = await events.next();
        if (step.done) return { value: undefined, done: true };
        const at = Date.now();
        const event = step.value as { id: string };
        const ctx = renewContext(parts.context, base);
        ctx.requestId = `${base.requestId}#${event.id}`;
        shareLoaders(`${event.id}|${JSON.stringify(ctx.regions)}|${request.query ?? ''}`, ctx);
        const result = (await execute({ ...args, rootValue: event, contextValue: ctx })) as ExecutionResult;
        const errors = result.errors ?? [];
        if (
          !(await deliveryAudited(event.id, ctx, request, {
            hasData: result.data != null,
            errors,
            operationName,
            document: args.document,
            started: at,
          }))
        ) {
          ended = true;
          await events.return?.();
          return {
            value: { errors: [new GraphQLError(AUDIT_UNAVAILABLE.message, { extensions: AUDIT_UNAVAILABLE.extensions })] },
            done: false,
          };
        }
        return { value: result, done: false };
      },
      async return() {
        ended = true;
        await events.return?.();
        return { value: undefined, done: true };
      },
      async throw() {
        return results.return!();
      },
      [Symbol.asyncIterator]() {
        return results;
      },
    };
    return results;
  }

  function serve(wss: WebSocketServer) {
    useServer<Record<string, unknown>, Connection>(
      {
        schema: parts.schema,
        // the caller, once per connection: a refusal closes it with a code and the reason
        onConnect: async (wsCtx) => {
          const connection = wsCtx.extra;
          const params = wsCtx.connectionParams ?? {};
          const pick = (...keys: string[]) => {
            for (const k of keys) if (typeof params[k] === 'string') return params[k] as string;
            return undefined;
          };
          const authorization = pick('authorization', 'Authorization');
          const purpose = pick('purpose', 'x-purpose', 'X-Purpose');
          let caller: Caller;
          try {
            if (!authorization) throw new AuthError('credentials are required: connection parameter authorization: "Bearer <token>"');
            caller = await callerOf(authorization, parts.sources, parts.verify, purpose, true);
          } catch (e) {
            const code = e instanceof GraphQLError && e.extensions.code === 'BAD_USER_INPUT' ? CLOSE.badRequest : CLOSE.unauthorized;
            if (!(e instanceof GraphQLError)) log.error({ err: e }, 'subscription connection refused: internal error');
            close(connection.socket, code, e instanceof GraphQLError ? e.message : 'internal error; the hub logged it');
            return false;
          }
          const actor = actorOf(caller)!;
          const held = perActor.get(actor) ?? 0;
          if (held >= parts.limits.connectionsPerActor) {
            close(
              connection.socket,
              CLOSE.tooManyConnections,
              `too many connections: at most ${parts.limits.connectionsPerActor} per caller on one hub`,
            );
            return false;
          }
          perActor.set(actor, held + 1);
          connection.caller = caller;
          connection.actor = actor;
          connection.address = parts.clientAddress(connection.request);
          // a person's connection ends when its token does
          if (caller.kind === 'person') {
            const exp = decodeJwt(authorization.trim().split(/\s+/, 2)[1]).exp;
            if (exp) {
              connection.expiry = setTimeout(
                () => close(connection.socket, CLOSE.unauthorized, 'the token has expired: connect again with a new one'),
                Math.max(0, exp * 1000 - Date.now()),
              );
              connection.expiry.unref();
            }
          }
          return true;
        },
        onClose: (wsCtx) => {
          const connection = wsCtx.extra;
          if (connection.expiry) clearTimeout(connection.expiry);
          if (!connection.actor) return;
          const left = (perActor.get(connection.actor) ?? 1) - 1;
          if (left > 0) perActor.set(connection.actor, left);
          else perActor.delete(connection.actor);
          connection.actor = undefined;
        },
        onSubscribe: async (wsCtx, _id, payload) => {
          const connection = wsCtx.extra;
          const started = Date.now();
          const ctx = withClientAddress(parts.context(randomUUID(), connection.caller), connection.address);
          const request: AuditedRequest = { query: payload.query, operationName: payload.operationName, variables: payload.variables };
          const refuse = async (errors: GraphQLError[], document?: DocumentNode) => {
            if (!(await audited(ctx, request, { hasData: false, errors, document, started })))
              return [new GraphQLError(AUDIT_UNAVAILABLE.message, { extensions: AUDIT_UNAVAILABLE.extensions })];
            return errors;
          };
          // this one included
          if (Object.keys(wsCtx.subscriptions).length > parts.limits.perConnection)
            return refuse([
              refusal(
                `too many subscriptions on this connection: at most ${parts.limits.perConnection}; end one or open another connection`,
                'TOO_MANY_SUBSCRIPTIONS',
                { limit: parts.limits.perConnection },
              ),
            ]);
          let document: DocumentNode;
          try {
            document = parse(payload.query, { maxTokens: parts.maxTokens });
          } catch (e) {
            return refuse([refusal((e as Error).message, 'GRAPHQL_PARSE_FAILED')]);
          }
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) return refuse([refusal('the document names no operation to run (operationName?)', 'BAD_REQUEST')], document);
          if (operation.operation !== 'subscription')
            return refuse(
              [refusal(`only subscriptions run over WebSocket; send a ${operation.operation} to POST ${GRAPHQL_PATH}`, 'BAD_REQUEST')],
              document,
            );
          const invalid = validate(parts.schema, document, rules);
          if (invalid.length)
            return refuse(
              invalid.map(
                (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
              ),
              document,
            );
          try {
            refuseIntrospection(operation, ctx);
            await refuseUntrusted(parts.requireTrustedOperations, payload.query, ctx);
            await refuseOverBudget(parts.costBudget, {
              operation,
              document,
              variables: payload.variables ?? {},
              query: payload.query,
              schema: parts.schema,
              ctx,
            });
          } catch (e) {
            if (e instanceof GraphQLError) return refuse([e], document);
            throw e;
          }
          ctx.recordFields.projections = recordProjections(parts.schema, document);
          const args: ExecutionArgs & { query: string } = {
            schema: parts.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: ctx,
            query: payload.query,
          };
          return args;
        },
        subscribe: (args) => subscribe(args as ExecutionArgs & { query?: string }),
        onNext: (_wsCtx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
        onError: (_wsCtx, _id, _payload, errors) => format(errors),
      },
      wss,
    );
  }

  return {
    attach(server) {
      // useServer hands each connection's { socket, request } to the callbacks as `extra`
      const wss = new WebSocketServer({ server, path: GRAPHQL_PATH });
      serve(wss);
      servers.push(wss);
    },
    connections: () => servers.reduce((n, s) => n + s.clients.size, 0),
    close: async () => {
      for (const wss of servers) {
        for (const socket of wss.clients) close(socket, CLOSE.restart, 'the hub is stopping: connect again with after');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      }
      servers.length = 0;
    },
  };
}
