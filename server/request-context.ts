/**
 * The per-request context (datasources/request/context.ts declares its shape): the caller, its
 * jurisdiction, the request's loaders, and what the plugins read once the operation is over (the live
 * sources that failed or were called, the client's address), kept under symbols the resolvers never see.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { DataSources } from '../datasources';
import type { Caller, Context, Limits } from '../datasources/request/context';
import { createLoaders } from '../datasources/request/loaders';
import type { AuditLog } from '../datasources/services/audit';
import type { TrustedOperations } from '../datasources/services/trusted-operations';
import type { DataSourceDoc } from '../datasources/store/models';
import { SourceNotListable } from '../datasources/sources/connectors';
import { callerOf } from './auth';
import { GATEWAY_KEY_HEADER, gatewayOf, type Gateways } from './gateways';
import type { PersonClaims } from './jwt';
import { returnedValues } from './returned';

const FAILED = Symbol('failed live sources');
const CALLS = Symbol('live sources called');
const CLIENT = Symbol('client address');
const VIA = Symbol('federation gateway');

/** The live sources that failed during a request, by source id: the first error of each and where data is missing. */
/** `leftOut`: the source was not failing but cannot answer this kind of read (a SUBGRAPH source in a list). */
export type SourceFailures = Map<string, { name: string; message: string; path?: readonly (string | number)[]; leftOut?: boolean }>;
/** The live sources a request called, by source id: `failed` once any call to it failed. */
export type SourceCalls = Map<string, 'ok' | 'failed'>;

type HubContext = Context & { [FAILED]?: SourceFailures; [CALLS]?: SourceCalls; [CLIENT]?: string; [VIA]?: string };

export const failedSources = (ctx: Context): SourceFailures | undefined => (ctx as HubContext)[FAILED];
export const calledSources = (ctx: Context): SourceCalls | undefined => (ctx as HubContext)[CALLS];
export const clientAddress = (ctx: Context): string | undefined => (ctx as HubContext)[CLIENT];
/** The federation gateway the request came through (its name in FEDERATION_GATEWAYS); undefined for a direct call. */
export const gatewayOfRequest = (ctx: Context): string | undefined => (ctx as HubContext)[VIA];

export interface ContextParts {
  sources: DataSources;
  limits: Limits;
  audit: AuditLog;
  trusted: TrustedOperations;
  /** what `hubInfo` answers */
  hub: { version: string; store: string };
}

export type ContextBuilder = (requestId?: string, caller?: Caller) => Context;

/** Builds the context of one request: a fresh id and an anonymous caller unless given. */
export function contextBuilder({ sources, limits, audit, trusted, hub }: ContextParts): ContextBuilder {
  return (requestId = randomUUID(), caller = { kind: 'anonymous' }) => {
    const failed: SourceFailures = new Map();
    const reportSourceError = (source: DataSourceDoc, error: Error, path?: readonly (string | number)[]) => {
      const id = source._id.toHexString();
      if (!failed.has(id)) failed.set(id, { name: source.name, message: error.message, path, leftOut: error instanceof SourceNotListable });
    };
    // Jurisdiction: a person sees their regions; an API key or anonymous caller sees no records
    // (the schema refuses them the data fields anyway).
    const regions = caller.kind === 'person' ? caller.regions : [];
    const calls: SourceCalls = new Map();
    const noteSourceCall = (source: DataSourceDoc, ok: boolean) => {
      const id = source._id.toHexString();
      if (calls.get(id) !== 'failed') calls.set(id, ok ? 'ok' : 'failed');
    };
    const recordFields: Context['recordFields'] = {};
    const loaders = createLoaders(sources, {
      regions,
      report: reportSourceError,
      called: noteSourceCall,
      projection: (d) => recordFields.projections?.[d],
    });
    const ctx: HubContext = {
      caller,
      sources,
      loaders,
      limits,
      requestId,
      hub,
      reportSourceError,
      noteSourceCall,
      regions,
      audit,
      trusted,
      recordFields,
      returned: returnedValues(),
      [FAILED]: failed,
      [CALLS]: calls,
    };
    return ctx;
  };
}

export type HttpContextBuilder = (req: Request, requestId: string) => Promise<Context>;

/** The context of a request to /graphql or /export: the caller from its headers, its client address. */
export function httpContext(
  context: ContextBuilder,
  sources: DataSources,
  verify: (token: string) => Promise<PersonClaims>,
  gateways: Gateways,
): HttpContextBuilder {
  return async (req, requestId) => {
    const via = gatewayOf(req.headers[GATEWAY_KEY_HEADER], gateways);
    const ctx: HubContext = context(requestId, await callerOf(req.headers.authorization, sources, verify, req.headers['x-purpose']));
    ctx[CLIENT] = req.ip ?? req.socket.remoteAddress ?? undefined;
    if (via) ctx[VIA] = via;
    return ctx;
  };
}

/** The same caller's context with this client address (a WebSocket connection's, for its subscriptions). */
export function withClientAddress(ctx: Context, address: string | undefined): Context {
  (ctx as HubContext)[CLIENT] = address;
  return ctx;
}

/**
 * A fresh context for one event of a subscription: the subscription's request id, caller, client
 * address and record projections, with new loaders (nothing cached from earlier events) and nothing
 * returned yet (the event's own audit entry names what it discloses).
 */
export function renewContext(context: ContextBuilder, base: Context): Context {
  const ctx = withClientAddress(context(base.requestId, base.caller), clientAddress(base));
  ctx.recordFields.projections = base.recordFields.projections;
  return ctx;
}
