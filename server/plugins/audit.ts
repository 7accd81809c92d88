/**
 * One audit entry per operation, written before the answer leaves: if it cannot be written, the
 * answer's data is withheld and the client gets SERVICE_UNAVAILABLE instead. Subscriptions
 * (server/subscriptions.ts) write the same entries: one when a subscription starts or is refused,
 * one per event before it is sent.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { Context } from '../../datasources/request/context';
import type { AuditDraft, AuditLog } from '../../datasources/services/audit';
import { escapeControls } from '../../domain/text';
import type { Logger } from '../../lib/logger';
import { calledSources, clientAddress, failedSources, gatewayOfRequest } from '../request-context';
import { returnedValues } from '../returned';

/** What the client sent. */
export interface AuditedRequest {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** What the answer was: its data (none: it returned nothing) and its errors' codes. */
export interface AuditedAnswer {
  hasData: boolean;
  errors: readonly { extensions?: Record<string, unknown> }[];
  /** the operation's name when it was resolved */
  operationName?: string | null;
  document?: DocumentNode;
  started: number;
}

/** The message of an answer withheld because its audit entry could not be written. */
export const AUDIT_UNAVAILABLE = {
  message: 'the access could not be recorded in the audit trail, so no data is returned; try again shortly',
  extensions: { code: 'SERVICE_UNAVAILABLE' },
};

/** The entry of one answer (`ctx`: the caller, the values it returned, the sources called). */
export function answerEntry(audit: AuditLog, ctx: Context, request: AuditedRequest, answer: AuditedAnswer): AuditDraft {
  // noted as the fields resolved; an answer without data returned none of them
  const { idNumbers: ids, recordIds } = answer.hasData ? ctx.returned : returnedValues();
  const caller = ctx.caller;
  const failed = failedSources(ctx);
  return {
    at: new Date(),
    requestId: ctx.requestId,
    actor:
      caller.kind === 'person'
        ? { kind: 'person', sub: caller.sub, org: caller.org, role: caller.role }
        : caller.kind === 'source'
          ? { kind: 'source', sourceId: caller.sourceId }
          : { kind: 'anonymous' },
    purpose: caller.kind === 'person' ? caller.purpose : null,
    // a client's operation name may hold what the store cannot keep (U+0000): escaped
    operationName: answer.operationName ?? (request.operationName != null ? escapeControls(request.operationName) : null),
    operationHash: request.query ? createHash('sha256').update(request.query).digest('hex') : null,
    variables: request.variables ? JSON.stringify(audit.scrub(request.variables)) : null,
    idNumbers: [...ids].map((id) => audit.personal(id)),
    recordIds: [...recordIds],
    failedSources: failed ? [...failed.keys()] : [],
    sourcesCalled: [...(calledSources(ctx) ?? new Map())].map(([id, outcome]) => `${id}:${outcome}`),
    status: answer.errors.length ? 'ERROR' : 'OK',
    errorCodes: [...new Set(answer.errors.map((e) => String(e.extensions?.code ?? 'ERROR')))],
    durationMs: Date.now() - answer.started,
    clientAddress: clientAddress(ctx) ?? null,
    ...(gatewayOfRequest(ctx) ? { via: { gateway: gatewayOfRequest(ctx)! } } : {}),
  };
}

/** Appends the entry of one answer. Throws when it cannot be written. */
export async function auditAnswer(audit: AuditLog, ctx: Context, request: AuditedRequest, answer: AuditedAnswer): Promise<void> {
  await audit.append(
    answerEntry(audit, ctx, request, answer),
    request.query ? { text: request.query, document: answer.document } : undefined,
  );
}

/**
 * The audit of subscription events (server/subscriptions.ts): every subscriber's delivery is recorded
 * before it is sent, but as one entry per event and write, naming each subscriber (`recipients`),
 * rather than one entry each. An event going to 1,000 subscribers is a fan-out of one disclosure, and
 * 1,000 entries cost FerretDB 10 chained writes of 100 before the last subscriber could be answered
 * (measured: p95 5.5 s from the change to the event; issue 26). Deliveries arriving while a write is
 * in flight wait for the next one, which carries one entry per event (group commit, merged by event).
 * The subscriptions' texts were kept by their start entries, so an event's entry names them by hash.
 */
export class EventAudit {
  private pending = new Map<string, { draft: AuditDraft; done: (err?: unknown) => void }[]>();
  private writing = false;

  constructor(private readonly audit: AuditLog) {}

  /** Records that event `eventId` goes to the subscriber of `draft` (answerEntry); resolves once stored. */
  record(eventId: string, draft: AuditDraft): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.pending.get(eventId) ?? [];
      if (list.length === 0) this.pending.set(eventId, list);
      list.push({ draft, done: (err) => (err ? reject(err) : resolve()) });
      // the other subscribers of this event are being resolved in the same turn: the write waits for them
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.write());
      }
    });
  }

  private async write(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending = new Map();
      await Promise.all(
        batch.map(async ([eventId, list]) => {
          try {
            await this.audit.append(
              eventEntry(
                eventId,
                list.map((l) => l.draft),
              ),
            );
            list.forEach((l) => l.done());
          } catch (err) {
            list.forEach((l) => l.done(err));
          }
        }),
      );
    }
    this.writing = false;
  }
}

const union = (lists: readonly string[][]): string[] => [...new Set(lists.flat())];

/** One event's entry: the union of its subscribers' entries, each named in `recipients`. */
function eventEntry(eventId: string, drafts: readonly AuditDraft[]): AuditDraft {
  const names = new Set(drafts.map((d) => d.operationName));
  return {
    at: new Date(),
    requestId: `event:${eventId}`,
    actor: { kind: 'subscribers' },
    purpose: null,
    operationName: names.size === 1 ? drafts[0].operationName : null,
    operationHash: null,
    operationTextHash: null,
    variables: null,
    idNumbers: union(drafts.map((d) => d.idNumbers)),
    recordIds: union(drafts.map((d) => d.recordIds)),
    failedSources: union(drafts.map((d) => d.failedSources)),
    sourcesCalled: union(drafts.map((d) => d.sourcesCalled)),
    status: drafts.some((d) => d.status === 'ERROR') ? 'ERROR' : 'OK',
    errorCodes: union(drafts.map((d) => d.errorCodes)),
    durationMs: Math.max(...drafts.map((d) => d.durationMs)),
    clientAddress: null,
    recipients: drafts.map((d) => ({
      requestId: d.requestId,
      actor: d.actor,
      purpose: d.purpose,
      operationName: d.operationName,
      operationHash: d.operationHash,
      idNumbers: d.idNumbers,
      recordIds: d.recordIds,
      status: d.status,
      errorCodes: d.errorCodes,
      clientAddress: d.clientAddress,
    })),
    recipientSubs: union(drafts.map((d) => (d.actor.sub ? [d.actor.sub] : []))),
  };
}

export function auditPlugin(audit: AuditLog, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = Date.now();
      return {
        async willSendResponse({ contextValue: ctx, response, operationName, document }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          try {
            await auditAnswer(audit, ctx, request, {
              hasData: result.data != null,
              errors: result.errors ?? [],
              operationName,
              document,
              started,
            });
          } catch (err) {
            logger.error({ err, requestId: ctx.requestId }, 'audit entry not written: answer withheld');
            result.data = null;
            result.errors = [AUDIT_UNAVAILABLE];
          }
        },
      };
    },
  };
}
