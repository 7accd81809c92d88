/**
 * `POST /attachments` and `GET /attachments/<sha256>`: files (PDF, PNG, JPEG) that consultation
 * messages and supervision documents refer to by their SHA-256 (datasources/services/attachments.ts
 * stores them, domain/attachments.ts says which files are taken).
 *
 * - Callers are people with a Bearer token, verified as on /graphql (`callerOf`, server/auth.ts); an
 *   invalid token is 401, never anonymous. PROCURATOR and DEPARTMENT upload; ADMIN, the uploader's
 *   unit and the units a file was linked for download. Anyone else is answered 404, as for a file
 *   nobody uploaded: whether a file exists is itself worth keeping.
 * - An upload is the raw file as the body (express.raw, bounded by ATTACHMENT_MAX_BYTES: 413 naming
 *   the limit, at once when Content-Length says so); its `Content-Type` must be allowed and match the
 *   file's first bytes (415 otherwise); an empty body is 400. 201 with `{ sha256, size, contentType, url }`
 *   when stored, 200 when the same bytes were stored already.
 * - Every request, answered or refused, appends one audit entry of the same shape as a GraphQL
 *   operation's (server/plugins/audit.ts): operation `POST /attachments` or `GET /attachments`, the
 *   file's hash in `recordIds` and its hash, type and size as the variables. The answer waits for it:
 *   when the entry cannot be written the file is not served (or the upload not confirmed) and the
 *   caller gets 503, as a GraphQL answer's data is withheld.
 * - Errors are JSON in the GraphQL error shape (`{ errors: [{ message, extensions: { code } }] }`),
 *   as routes/errors.ts answers outside GraphQL.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import type { DataSources } from '../../datasources';
import type { Caller } from '../../datasources/request/context';
import type { AuditLog } from '../../datasources/services/audit';
import { attachmentUrl, type AttachmentMeta } from '../../datasources/services/attachments';
import {
  ALLOWED_TYPES_TEXT,
  ATTACHMENT_TYPES,
  attachmentTypeProblem,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  isAttachmentType,
  mediaType,
} from '../../domain/attachments';
import type { Logger } from '../../lib/logger';
import { AuthError, callerOf } from '../auth';
import type { PersonClaims } from '../jwt';

export const ATTACHMENTS_PATH = '/attachments';
/** Who may upload. */
const UPLOADERS = new Set(['PROCURATOR', 'DEPARTMENT']);

export interface AttachmentRouteOptions {
  sources: DataSources;
  audit: AuditLog;
  /** checks a Bearer token as /graphql does (server/jwt.ts) */
  verify: (token: string) => Promise<PersonClaims>;
  /** largest file (default 10 MiB) */
  maxBytes?: number;
  logger: Logger;
}

/** A request answered with an error: its status, code and message (and extensions). */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A size as people read it: `10 MiB (10485760 bytes)`, `4 KiB (4096 bytes)`, `100 bytes`. */
const sizeText = (bytes: number) => {
  const round = (n: number) => Math.round(n * 100) / 100;
  if (bytes >= 1048576) return `${round(bytes / 1048576)} MiB (${bytes} bytes)`;
  return bytes >= 1024 ? `${round(bytes / 1024)} KiB (${bytes} bytes)` : `${bytes} bytes`;
};

export function attachmentsRouter(options: AttachmentRouteOptions): Router {
  const { sources, audit, verify, logger } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  // the body as it came (no type filter: the route checks the type itself, with a clear message)
  const rawBody = express.raw({ type: () => true, limit: maxBytes });
  const readBody = (req: Request, res: Response) =>
    new Promise<Buffer>((resolve, reject) =>
      rawBody(req, res, (err?: unknown) => {
        if (!err) return resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        const e = err as { type?: string; status?: number; message?: string };
        if (e.type === 'entity.too.large')
          return reject(
            new Refusal(413, 'BAD_USER_INPUT', `the file is over the size limit of ${sizeText(maxBytes)}, ATTACHMENT_MAX_BYTES`, {
              limit: maxBytes,
            }),
          );
        if (e.status && e.status < 500) return reject(new Refusal(e.status, 'BAD_USER_INPUT', e.message ?? 'the body could not be read'));
        reject(err);
      }),
    );

  /** The caller from the headers; a bad credential or purpose is a refusal. */
  const callerFrom = async (req: Request): Promise<Caller> => {
    try {
      return await callerOf(req.headers.authorization, sources, verify, req.headers['x-purpose']);
    } catch (e) {
      if (e instanceof AuthError) throw new Refusal(401, 'UNAUTHENTICATED', e.message);
      if (e instanceof GraphQLError && e.extensions.code === 'BAD_USER_INPUT')
        throw new Refusal(400, 'BAD_USER_INPUT', e.message, { field: e.extensions.field });
      throw e;
    }
  };

  /** Appends the request's audit entry; false when it could not be written. */
  const record = async (
    req: Request,
    requestId: string,
    caller: Caller | null,
    operationName: string,
    started: number,
    outcome: { file?: Partial<AttachmentMeta>; error?: string },
  ): Promise<boolean> => {
    const file = outcome.file ?? {};
    try {
      await audit.append({
        at: new Date(),
        requestId,
        actor:
          caller?.kind === 'person'
            ? { kind: 'person', sub: caller.sub, org: caller.org, role: caller.role }
            : caller?.kind === 'source'
              ? { kind: 'source', sourceId: caller.sourceId }
              : { kind: 'anonymous' },
        purpose: caller?.kind === 'person' ? caller.purpose : null,
        operationName,
        operationHash: null,
        variables: Object.keys(file).length ? JSON.stringify(file) : null,
        idNumbers: [],
        recordIds: file.sha256 && !outcome.error ? [file.sha256] : [],
        failedSources: [],
        sourcesCalled: [],
        status: outcome.error ? 'ERROR' : 'OK',
        errorCodes: outcome.error ? [outcome.error] : [],
        durationMs: Date.now() - started,
        clientAddress: req.ip ?? req.socket.remoteAddress ?? null,
      });
      return true;
    } catch (err) {
      logger.error({ err, requestId }, 'audit entry not written: attachment withheld');
      return false;
    }
  };

  const send = (res: Response, requestId: string, status: number, body: unknown) => {
    res.status(status).set({ 'X-Request-Id': requestId, 'Cache-Control': 'no-store' }).json(body);
  };
  const unrecorded = (res: Response, requestId: string) =>
    send(res, requestId, 503, {
      errors: [
        {
          message:
            'the access could not be recorded in the audit trail, so it was not carried out as far as you are told; try again shortly',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ],
    });

  /** Runs one request: `work` answers it or throws a Refusal; either way the audit entry is written first. */
  const handle =
    (
      operationName: string,
      work: (req: Request, res: Response, caller: Caller, file: Partial<AttachmentMeta>) => Promise<(requestId: string) => void>,
    ) =>
    async (req: Request, res: Response) => {
      const started = Date.now();
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
      let caller: Caller | null = null;
      const file: Partial<AttachmentMeta> = {};
      try {
        caller = await callerFrom(req);
        const answer = await work(req, res, caller, file);
        if (!(await record(req, requestId, caller, operationName, started, { file }))) return unrecorded(res, requestId);
        answer(requestId);
      } catch (e) {
        const refusal =
          e instanceof Refusal
            ? e
            : (logger.error({ err: e, requestId }, `${operationName} failed`),
              new Refusal(500, 'INTERNAL_SERVER_ERROR', 'internal error; the hub logged it'));
        if (!(await record(req, requestId, caller, operationName, started, { file, error: refusal.code })) && refusal.status < 500)
          return unrecorded(res, requestId);
        if (res.headersSent) return;
        // a body not read (refused before it) is not waited for
        if (!req.complete) res.set('Connection', 'close');
        send(res, requestId, refusal.status, {
          errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }],
        });
      }
    };

  const router = express.Router();

  router.post(
    '/',
    handle('POST /attachments', async (req, res, caller, file) => {
      if (caller.kind === 'anonymous')
        throw new Refusal(401, 'UNAUTHENTICATED', 'POST /attachments needs a token: Authorization: Bearer <token>');
      if (caller.kind !== 'person' || !UPLOADERS.has(caller.role))
        throw new Refusal(403, 'FORBIDDEN', `POST /attachments is open to ${[...UPLOADERS].join(' and ')} callers`);
      const declared = mediaType(req.headers['content-type']);
      if (!isAttachmentType(declared))
        throw new Refusal(
          415,
          'BAD_USER_INPUT',
          `Content-Type must be one of ${ALLOWED_TYPES_TEXT}; got ${declared ? JSON.stringify(declared.slice(0, 64)) : 'none'}`,
          {
            field: 'Content-Type',
          },
        );
      file.contentType = declared;
      const bytes = await readBody(req, res);
      if (bytes.length === 0)
        throw new Refusal(400, 'BAD_USER_INPUT', "the body is empty: send the file's bytes as the request body", { field: 'body' });
      file.size = bytes.length;
      const problem = attachmentTypeProblem(declared, bytes);
      if (problem) throw new Refusal(415, 'BAD_USER_INPUT', problem, { field: 'Content-Type' });
      const { meta, created } = await sources.attachments.put(bytes, declared, caller);
      Object.assign(file, meta);
      return (requestId) => send(res, requestId, created ? 201 : 200, { ...meta, url: attachmentUrl(meta.sha256) });
    }),
  );

  router.get(
    '/:sha256',
    handle('GET /attachments', async (req, res, caller, file) => {
      const sha256 = String(req.params.sha256);
      file.sha256 = sha256.slice(0, 64);
      if (caller.kind === 'anonymous')
        throw new Refusal(401, 'UNAUTHENTICATED', 'GET /attachments needs a token: Authorization: Bearer <token>');
      // a procurator reads a file of a document or consultation for a case, as it reads them: with its purpose
      if (caller.kind === 'person' && caller.role === 'PROCURATOR' && !caller.purpose)
        throw new Refusal(403, 'FORBIDDEN', 'a procurator reads attachments for a case: send X-Purpose (the case or task reference)', {
          field: 'X-Purpose',
        });
      const found = caller.kind === 'person' ? await sources.attachments.read(sha256, caller) : null;
      if (!found) throw new Refusal(404, 'NOT_FOUND', `no attachment ${file.sha256} that you may read`);
      Object.assign(file, { size: found.size, contentType: found.contentType });
      return (requestId) => {
        res
          .status(200)
          .set({
            'Content-Type': found.contentType,
            'Content-Length': String(found.size),
            'Content-Disposition': `attachment; filename="${found.sha256}.${ATTACHMENT_TYPES[found.contentType].extension}"`,
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'private, max-age=0, must-revalidate',
            'X-Request-Id': requestId,
          })
          .end(found.bytes);
      };
    }),
  );

  return router;
}
