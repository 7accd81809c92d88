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
import type { AuditLog } from '../../datasources/services/audit';
import { escapeControls } from '../../domain/text';
import type { Logger } from '../../lib/logger';
import { calledSources, clientAddress, failedSources } from '../request-context';
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

/** Appends the entry of one answer (`ctx`: the caller, the values it returned, the sources called). Throws when it cannot be written. */
export async function auditAnswer(audit: AuditLog, ctx: Context, request: AuditedRequest, answer: AuditedAnswer): Promise<void> {
  // noted as the fields resolved; an answer without data returned none of them
  const { idNumbers: ids, recordIds } = answer.hasData ? ctx.returned : returnedValues();
  const caller = ctx.caller;
  const failed = failedSources(ctx);
  await audit.append(
    {
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
    },
    request.query ? { text: request.query, document: answer.document } : undefined,
  );
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
