/**
 * CSV export (`POST /export`, `GET /export?query=…`): any list, connection or statistics query as a
 * CSV file for analysts' spreadsheets. Nothing about access is re-implemented here: every page runs
 * through the same Apollo server and the same context builder as /graphql, so authentication, `@auth`,
 * `@mask`, jurisdiction, document limits, the cost budget and the audit trail apply page by page.
 *
 * - Exactly one root field, a query (never a mutation).
 * - A Relay connection is followed page after page (`after` = the previous `endCursor`); each page's
 *   rows are written as they arrive and the next page is fetched only once the client has taken them
 *   (`res.write` backpressure), so 100,000 records are never held at once.
 * - A plain list (`statistics`, `dataSources`) or a single object runs once: one row per item.
 * - Columns are the leaf fields of the selection as dot paths of response keys (`person.name`).
 *   Lists of scalars are joined with `;`. Lists of objects: where the element has a `dimension`
 *   (statistics keys) one column per dimension (`REGION`, `REGION label`), before `count` and
 *   `amount` whatever the selection's order; otherwise
 *   `keys.0.field`, … — in connections, where later pages could bring new columns after the header
 *   was sent, they are JSON text instead.
 * - UTF-8 with a BOM (spreadsheet programs then read Chinese correctly), RFC 4180 quoting, CRLF, and
 *   the OWASP CSV-injection guard (a text cell starting with = + - @ TAB CR gets a leading `'`).
 * - Errors before the first row: a JSON `{ errors }` answer with the HTTP status of the first error.
 *   An error after rows were sent: a last line `# export incomplete: <message>`, then the connection
 *   is cut without the closing chunk, so HTTP clients report a truncated body as well.
 *   SOURCE_UNAVAILABLE (a live source down) is partial data, not an error: rows are written and the
 *   file ends with `# warning: source <id> unavailable: <message>`.
 *
 * CSRF: no cookies or other ambient credentials are accepted by the hub (Bearer and ApiKey are
 * headers a browser never adds by itself, and a cross-site page cannot add them without a CORS
 * preflight the hub does not grant). A GET without such a header runs as anonymous and is refused by
 * `@auth`; a POST must be `application/json`, as on /graphql. Credentials in the URL are not accepted
 * (they would end up in logs, history and Referer headers).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { ApolloServer } from '@apollo/server';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import {
  getNamedType,
  GraphQLError,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Context } from '../../datasources/request/context';
import { isLimitError } from '../limits';
import { selectionCost } from '../list-cost';
import type { Logger } from '../../lib/logger';

export const EXPORT_PATH = '/export';
/** Rows per file unless `maxRows` asks for fewer; also the most `maxRows` may ask for. */
export const MAX_EXPORT_ROWS = 1_000_000;
const BOM = '\uFEFF';
const EOL = '\r\n';

export interface ExportOptions {
  apollo: ApolloServer<Context>;
  schema: GraphQLSchema;
  /** the /graphql context builder: caller from the headers, client address, the given request id */
  context(req: Request, requestId: string): Promise<Context>;
  /** the JSON body parser of /graphql (1 MiB, UTF-8 only) */
  jsonBody: RequestHandler;
  /** largest `first` the hub allows */
  maxPageSize: number;
  /** the analysts' cost budget: pages are sized to stay under it */
  costBudget: number;
  /** longest one page may take (the /graphql request time limit) */
  pageTimeoutMs: number;
  logger: Logger;
}

/** An export that cannot start: answered as JSON `{ errors }` with this status. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly GraphQLFormattedError[],
  ) {
    super(errors[0]?.message ?? 'export refused');
  }
}
const refuse = (status: number, message: string, code = 'BAD_USER_INPUT') => new Refusal(status, [{ message, extensions: { code } }]);

// ---------------------------------------------------------------------------------------------
// Columns from the selection

/**
 * One column, or a group of columns (a list of objects), found in the selection with the schema's
 * types, so the header is known before any data arrives, even for an empty result.
 */
type Column = { kind: 'leaf'; path: string[] } | { kind: 'objects'; path: string[]; fields: Column[] };

interface Fields {
  key: string;
  nodes: FieldNode[];
  type: GraphQLOutputType;
}

/** The fields of a selection set by response key, fragments followed and same-key fields merged. */
function fieldsOf(
  set: SelectionSetNode,
  parent: GraphQLNamedType,
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  out = new Map<string, Fields>(),
): Map<string, Fields> {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const type =
        sel.name.value === '__typename'
          ? (schema.getType('String') as GraphQLOutputType)
          : isObjectType(parent) || isInterfaceType(parent)
            ? parent.getFields()[sel.name.value]?.type
            : undefined;
      if (!type) continue; // Apollo's validation reports unknown fields
      const seen = out.get(key);
      if (seen) seen.nodes.push(sel);
      else out.set(key, { key, nodes: [sel], type });
    } else {
      const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments[sel.name.value] : sel;
      if (!fragment) continue;
      const on = fragment.typeCondition ? (schema.getType(fragment.typeCondition.name.value) ?? parent) : parent;
      fieldsOf(fragment.selectionSet, on, schema, fragments, out);
    }
  }
  return out;
}

const merged = (nodes: FieldNode[]): SelectionSetNode => ({
  kind: Kind.SELECTION_SET,
  selections: nodes.flatMap((n) => n.selectionSet?.selections ?? []),
});

function listOf(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function columnsOf(
  set: SelectionSetNode,
  parent: GraphQLNamedType,
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  prefix: string[] = [],
): Column[] {
  const columns: Column[] = [];
  for (const f of fieldsOf(set, parent, schema, fragments).values()) {
    const named = getNamedType(f.type);
    const path = [...prefix, f.key];
    if (isLeafType(named)) columns.push({ kind: 'leaf', path });
    else if (listOf(f.type)) columns.push({ kind: 'objects', path, fields: columnsOf(merged(f.nodes), named, schema, fragments) });
    else columns.push(...columnsOf(merged(f.nodes), named, schema, fragments, path));
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// Cells

const at = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * One CSV cell: RFC 4180 quoting, and the OWASP guard against formula injection — text a
 * spreadsheet would run as a formula gets a leading `'`. Numbers (and text that is a plain number)
 * stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))
    text = value.map((v) => (v === null ? '' : String(v))).join(';');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (cells: unknown[]) => cells.map(csvCell).join(',') + EOL;
/** A comment line (`# …`): one line whatever the message holds. */
const commentLine = (text: string) => `# ${text.replace(/[\r\n]+/g, ' ')}${EOL}`;

/** A flat column: its header and how to read it from a row. */
interface Flat {
  header: string;
  read(row: unknown): unknown;
  /** a statistics key's column */
  key?: boolean;
}

/**
 * Statistics in one column order whatever the order of the selection (a trusted operation's
 * normalised text sorts its fields): the keys, then `count`, then `amount`, then anything else.
 */
function statisticsFirst(flat: Flat[]): Flat[] {
  if (!flat.some((f) => f.key)) return flat;
  const rank = (f: Flat) => (f.key ? 0 : f.header === 'count' ? 1 : f.header === 'amount' ? 2 : 3);
  return flat
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/**
 * Flattens columns to headers. Lists of objects expand by the data in `rows` (all rows of a plain
 * list are in hand); without rows (connections, whose later pages are not) they stay JSON text.
 */
function flatten(columns: Column[], rows?: unknown[]): Flat[] {
  const out: Flat[] = [];
  for (const c of columns) {
    const header = c.path.join('.');
    if (c.kind === 'leaf') {
      out.push({ header, read: (r) => at(r, c.path) });
      continue;
    }
    if (!rows) {
      out.push({ header, read: (r) => at(r, c.path) });
      continue;
    }
    const lists = rows.map((r) => at(r, c.path)).filter(Array.isArray) as unknown[][];
    const inner = flatten(c.fields); // one level: elements' own lists stay JSON text
    const byDimension = c.fields.some((f) => f.kind === 'leaf' && f.path.length === 1 && f.path[0] === 'dimension');
    if (byDimension) {
      // statistics keys: `REGION` for the value, `REGION label` for the label (one group per dimension),
      // the value first whatever the selection's order, and the keys before the counts (statisticsFirst)
      const dims = [...new Set(lists.flatMap((l) => l.map((e) => at(e, ['dimension'])).filter((d): d is string => typeof d === 'string')))];
      const rest = inner
        .filter((f) => f.header !== 'dimension')
        .sort((a, b) => Number(b.header === 'value') - Number(a.header === 'value'));
      for (const dim of dims) {
        const element = (r: unknown) => (at(r, c.path) as unknown[] | undefined)?.find((e) => at(e, ['dimension']) === dim);
        for (const f of rest) {
          out.push({
            header: f.header === 'value' || rest.length === 1 ? dim : `${dim} ${f.header}`,
            read: (r) => f.read(element(r)),
            key: true,
          });
        }
      }
      continue;
    }
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let i = 0; i < longest; i++) {
      for (const f of inner)
        out.push({ header: `${header}.${i}.${f.header}`, read: (r) => f.read((at(r, c.path) as unknown[] | undefined)?.[i]) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The operation

interface Plan {
  /** the caller's own text where nothing was rewritten (a trusted operation's text must not change) */
  document: DocumentNode | string;
  operationName?: string;
  variables: Record<string, unknown>;
  root: FieldNode;
  /** set when the root field is a connection that is paged */
  paging?: { afterVariable: string; pageInfoKey: string; edgesKey: string; nodeKey: string };
  columns: Column[];
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (fieldName: string, selections?: FieldNode[], alias?: string): FieldNode => ({
  kind: Kind.FIELD,
  name: name(fieldName),
  ...(alias ? { alias: name(alias) } : {}),
  ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
});

/**
 * Checks the operation and prepares it for paging. An operation that already pages itself (its
 * `after` is a variable, `first` is given and `pageInfo { hasNextPage endCursor }` is selected) runs
 * with its text unchanged, so a registered (trusted) operation stays trusted; any other connection
 * query is rewritten: `after: $exportAfter`, `first: <page size>` and `pageInfo` added.
 */
function plan(
  schema: GraphQLSchema,
  query: string,
  variables: Record<string, unknown>,
  operationName: string | undefined,
  maxPageSize: number,
  costBudget: number,
): Plan | null {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return null;
  } // Apollo answers it
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return null; // Apollo names the problem (no such operation, or which one to run)
  if (operation.operation !== 'query') throw refuse(400, `only queries can be exported; this is a ${operation.operation}`);
  const selections = operation.selectionSet.selections;
  if (selections.length !== 1 || selections[0].kind !== Kind.FIELD) {
    throw refuse(
      400,
      `an export runs exactly one root field (a list, a connection or statistics); this operation selects ${selections.length} root selections`,
    );
  }
  const root = selections[0];
  const type = schema.getQueryType()!.getFields()[root.name.value]?.type;
  if (!type) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const named = getNamedType(type);
  if (isLeafType(named) || !root.selectionSet)
    throw refuse(400, `${root.name.value} is a single value, not a list: nothing to export as rows`);

  const rootField = schema.getQueryType()!.getFields()[root.name.value];
  const connection =
    !listOf(type) &&
    isObjectType(named) &&
    named.getFields().edges &&
    named.getFields().pageInfo &&
    rootField.args.some((a) => a.name === 'after');
  if (!connection)
    return { document: query, operationName, variables, root, columns: columnsOf(root.selectionSet, named, schema, fragments) };

  const top = fieldsOf(root.selectionSet, named, schema, fragments);
  const edges = [...top.values()].find((f) => f.nodes[0].name.value === 'edges');
  const edgeType = edges && getNamedType(edges.type);
  const node =
    edges &&
    edgeType &&
    [...fieldsOf(merged(edges.nodes), edgeType, schema, fragments).values()].find((f) => f.nodes[0].name.value === 'node');
  if (!edges || !node) throw refuse(400, `${root.name.value} is a connection: select the rows as edges { node { … } }`);
  const columns = columnsOf(merged(node.nodes), getNamedType(node.type), schema, fragments);

  const args = root.arguments ?? [];
  const after = args.find((a) => a.name.value === 'after');
  const first = args.find((a) => a.name.value === 'first');
  const pageInfo = [...top.values()].find(
    (f) =>
      f.nodes[0].name.value === 'pageInfo' &&
      ['hasNextPage', 'endCursor'].every((leaf) =>
        f.nodes.some((n) => n.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === leaf)),
      ),
  );
  const paging = { edgesKey: edges.key, nodeKey: node.key };
  if (after?.value.kind === Kind.VARIABLE && first && pageInfo) {
    return {
      document: query,
      operationName,
      variables,
      root,
      columns,
      paging: { ...paging, afterVariable: after.value.name.value, pageInfoKey: pageInfo.key },
    };
  }

  // Rewrite. The page size: what the query asks for, else the largest page within the cost budget.
  const declared = new Set(operation.variableDefinitions?.map((v) => v.variable.name.value));
  let afterVariable = 'exportAfter';
  while (declared.has(afterVariable)) afterVariable += '_';
  const start = after ? literal(after.value, variables) : undefined;
  const perItem = selectionCost(root.selectionSet, fragments, variables, named, schema);
  const size = Math.max(1, Math.min(maxPageSize, Math.floor((costBudget - 1) / Math.max(perItem, 1))));
  const pageInfoKey = top.has('exportPageInfo') ? 'exportPageInfo_' : 'exportPageInfo';
  const newRoot: FieldNode = {
    ...root,
    arguments: [
      ...args.filter((a) => a.name.value !== 'after'),
      { kind: Kind.ARGUMENT, name: name('after'), value: { kind: Kind.VARIABLE, name: name(afterVariable) } },
      ...(first ? [] : [{ kind: Kind.ARGUMENT, name: name('first'), value: { kind: Kind.INT, value: String(size) } } as const]),
    ],
    selectionSet: {
      ...root.selectionSet,
      selections: [...root.selectionSet.selections, field('pageInfo', [field('hasNextPage'), field('endCursor')], pageInfoKey)],
    },
  };
  const newOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name(afterVariable) },
        type: { kind: Kind.NAMED_TYPE, name: name('String') },
      },
    ],
    selectionSet: { ...operation.selectionSet, selections: [newRoot] },
  };
  return {
    document: { ...document, definitions: document.definitions.map((d) => (d === operation ? newOperation : d)) },
    operationName,
    variables: { ...variables, [afterVariable]: typeof start === 'string' ? start : null },
    root,
    columns,
    paging: { ...paging, afterVariable, pageInfoKey },
  };
}

function literal(value: ValueNode, variables: Record<string, unknown>): unknown {
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  return value.kind === Kind.STRING ? value.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// HTTP

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The HTTP status of an answer that failed: Apollo's own (400 for bad documents), else by the first error's code. */
function statusOf(errors: readonly GraphQLFormattedError[], httpStatus: number | undefined): number {
  if (httpStatus && httpStatus !== 200) return httpStatus;
  return STATUS[String(errors[0]?.extensions?.code)] ?? 400;
}

/**
 * Errors thrown rather than answered: bad credentials from the context builder (401), and documents
 * that do not parse or are over the token limit (GraphQL Armor throws those during parsing), which
 * /graphql also answers with 400.
 */
function thrown(err: unknown): unknown {
  if (err instanceof Refusal || !(err instanceof GraphQLError)) return err;
  let code = String(err.extensions?.code ?? 'BAD_REQUEST');
  let message = err.message;
  if (isLimitError(message)) {
    code = 'QUERY_TOO_COMPLEX';
    message = message.replace(/^Syntax Error: /, '');
  } else if (message.startsWith('Syntax Error')) code = 'GRAPHQL_PARSE_FAILED';
  const status = (err.extensions?.http as { status?: number } | undefined)?.status ?? STATUS[code] ?? 400;
  return new Refusal(status, [{ message, extensions: { code } }]);
}

/** `enforcementCases-20250301-0930.csv`, in China Standard Time (UTC+8, no daylight saving). */
export function exportFileName(rootField: string, now = new Date()): string {
  const t = new Date(now.getTime() + 8 * 3600_000).toISOString();
  return `${rootField}-${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}-${t.slice(11, 13)}${t.slice(14, 16)}.csv`;
}

/** Writes and waits while the client is behind; false once the client has gone. */
async function send(res: Response, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(text)) return true;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

function timeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(refuse(503, `a page took longer than ${ms / 1000} s and the export was stopped`, 'SERVICE_UNAVAILABLE')),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A column asked for by its header (`person.name`), written under `title` when given. */
export interface ColumnChoice {
  path: string;
  title?: string;
}

const MAX_COLUMNS = 200;

/**
 * `columns`: which columns, in which order, under which titles. A trusted operation's text is fixed
 * (and its normalised form sorts the fields), so the order and the people's names of the columns
 * travel beside it. Each is a header as the export would name it, or `{ "path", "title" }`.
 */
function readColumns(raw: unknown): ColumnChoice[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  let list = raw;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      throw refuse(400, 'columns: not valid JSON');
    }
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_COLUMNS)
    throw refuse(400, `columns: expected a list of 1 to ${MAX_COLUMNS} columns`);
  return list.map((c: unknown, i) => {
    const choice = typeof c === 'string' ? { path: c } : (c as Partial<ColumnChoice> | null);
    if (!choice || typeof choice.path !== 'string' || !choice.path)
      throw refuse(400, `columns[${i}]: expected a column's header, or { "path", "title" }`);
    if (choice.title !== undefined && (typeof choice.title !== 'string' || choice.title.length > 100))
      throw refuse(400, `columns[${i}].title: expected text of at most 100 characters`);
    return { path: choice.path, ...(choice.title ? { title: choice.title } : {}) };
  });
}

/** The columns chosen, in their order and under their titles; a header the export does not have is refused by name. */
function choose(flat: Flat[], chosen: ColumnChoice[] | undefined): Flat[] {
  if (!chosen) return flat;
  return chosen.map((c, i) => {
    const f = flat.find((x) => x.header === c.path);
    if (!f)
      throw refuse(
        400,
        `columns[${i}]: this export has no column ${JSON.stringify(c.path).slice(0, 80)}; it has ${flat.map((x) => x.header).join(', ')}`,
      );
    return { ...f, header: c.title ?? f.header };
  });
}

/** The request as `{ query, variables, operationName, columns }`, from the JSON body or the URL. */
function readRequest(req: Request): {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  columns?: ColumnChoice[];
} {
  const source: Record<string, unknown> = req.method === 'POST' ? (req.body ?? {}) : (req.query as Record<string, unknown>);
  const { query, operationName } = source;
  let variables = source.variables;
  if (typeof query !== 'string' || !query.trim()) throw refuse(400, 'query: the GraphQL operation to export is required');
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      throw refuse(400, 'variables: not valid JSON');
    }
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    throw refuse(400, 'variables: expected a JSON object');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw refuse(400, 'operationName: expected a string');
  return {
    query,
    variables: (variables ?? {}) as Record<string, unknown>,
    operationName: operationName ?? undefined,
    columns: readColumns(source.columns),
  };
}

function maxRowsOf(req: Request): number {
  const raw = req.query.maxRows;
  if (raw === undefined) return MAX_EXPORT_ROWS;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_EXPORT_ROWS))
    throw refuse(400, `maxRows: expected a whole number from 1 to ${MAX_EXPORT_ROWS}, got ${JSON.stringify(raw)}`);
  return n;
}

export function exportRouter(options: ExportOptions): Router {
  const { apollo, schema, logger } = options;
  const router = express.Router();

  const handle = async (req: Request, res: Response) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
    let pages = 0;
    /** One page through Apollo, with a fresh context (own loaders) as /graphql builds it. */
    const run = async (document: DocumentNode | string, variables: Record<string, unknown>, operationName?: string) => {
      pages += 1;
      // the audit entry of each page says it was an export, and which page
      let response;
      try {
        const contextValue = await options.context(req, `${requestId}.export.${pages}`);
        response = await timeout(
          apollo.executeOperation({ query: document, variables, operationName }, { contextValue }),
          options.pageTimeoutMs,
        );
      } catch (err) {
        throw thrown(err);
      }
      if (response.body.kind !== 'single') throw refuse(500, 'unexpected incremental answer', 'INTERNAL_SERVER_ERROR');
      return { result: response.body.singleResult, status: response.http.status };
    };

    let started = false;
    const warnings = new Map<string, string>();
    /** Errors that stop the export (everything but a live source being down). */
    const fatal = (errors: readonly GraphQLFormattedError[] | undefined) => {
      for (const e of errors ?? []) {
        if (e.extensions?.code === 'SOURCE_UNAVAILABLE') warnings.set(String(e.extensions.sourceId ?? 'unknown'), e.message);
      }
      return (errors ?? []).filter((e) => e.extensions?.code !== 'SOURCE_UNAVAILABLE');
    };
    let closed = false;
    res.once('close', () => {
      closed = true;
    });

    try {
      if (req.method === 'POST' && !req.is('application/json')) {
        throw refuse(415, 'POST /export takes a JSON body (Content-Type: application/json), as /graphql does', 'BAD_REQUEST');
      }
      const maxRows = maxRowsOf(req);
      const request = readRequest(req);
      const p = plan(schema, request.query, request.variables, request.operationName, options.maxPageSize, options.costBudget);
      if (!p) {
        // not parseable, no such operation or root field: Apollo answers it as /graphql would (and audits it)
        const { result, status } = await run(request.query, request.variables, request.operationName);
        throw new Refusal(
          statusOf(result.errors ?? [], status),
          result.errors ?? [{ message: 'the operation cannot be exported', extensions: { code: 'BAD_USER_INPUT' } }],
        );
      }
      const rootKey = p.root.alias?.value ?? p.root.name.value;
      const start = (flat: Flat[]) => {
        res.status(200).set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${exportFileName(p.root.name.value)}"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'X-Request-Id': requestId,
        });
        started = true;
        return send(res, BOM + csvLine(flat.map((f) => f.header)));
      };
      let rows = 0;
      let truncated = false;

      if (!p.paging) {
        const { result, status } = await run(p.document, p.variables, p.operationName);
        const errors = fatal(result.errors);
        const data = (result.data as Record<string, unknown> | null | undefined)?.[rootKey];
        if (errors.length > 0 || data === undefined)
          throw new Refusal(
            statusOf(errors, status),
            errors.length ? errors : [{ message: 'no data', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
          );
        let items = Array.isArray(data) ? data : data === null ? [] : [data];
        if (items.length > maxRows) {
          items = items.slice(0, maxRows);
          truncated = true;
        }
        const flat = choose(statisticsFirst(flatten(p.columns, items)), request.columns);
        await start(flat);
        let chunk = '';
        for (const item of items) chunk += csvLine(flat.map((f) => f.read(item)));
        rows = items.length;
        await send(res, chunk);
      } else {
        const paging = p.paging;
        const flat = choose(flatten(p.columns), request.columns);
        let variables = p.variables;
        let lastCursor: unknown = variables[paging.afterVariable];
        for (;;) {
          const { result, status } = await run(p.document, variables, p.operationName);
          const errors = fatal(result.errors);
          const connection = (result.data as Record<string, any> | null | undefined)?.[rootKey];
          if (errors.length > 0 || !connection)
            throw new Refusal(
              statusOf(errors, status),
              errors.length ? errors : [{ message: `${rootKey} came back empty`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
            );
          if (!started && !(await start(flat))) return;
          const edges: unknown[] = connection[paging.edgesKey] ?? [];
          let chunk = '';
          for (const edge of edges) {
            if (rows >= maxRows) {
              truncated = true;
              break;
            }
            chunk += csvLine(flat.map((f) => f.read(at(edge, [paging.nodeKey]))));
            rows += 1;
          }
          if (!(await send(res, chunk)) || closed) return; // the client went away: fetch no more pages
          const info = connection[paging.pageInfoKey] as { hasNextPage?: boolean; endCursor?: string | null } | undefined;
          if (truncated || !info?.hasNextPage) break;
          if (rows >= maxRows) {
            truncated = true;
            break;
          }
          if (!info.endCursor || info.endCursor === lastCursor)
            throw refuse(500, 'the connection did not move past its last cursor', 'INTERNAL_SERVER_ERROR');
          lastCursor = info.endCursor;
          variables = { ...variables, [paging.afterVariable]: info.endCursor };
        }
      }
      let tail = '';
      if (truncated) tail += commentLine(`export stopped at maxRows=${maxRows}: more rows match`);
      for (const [sourceId, message] of warnings) tail += commentLine(`warning: source ${sourceId} unavailable: ${message}`);
      if (tail) await send(res, tail);
      res.end();
      logger.info({ requestId, rows, pages, truncated, warnings: [...warnings.keys()] }, 'CSV export done');
    } catch (err) {
      const refusal = err instanceof Refusal ? err : undefined;
      if (!refusal) logger.error({ err, requestId }, 'CSV export failed');
      const errors = refusal?.errors ?? [{ message: 'internal error; the hub logged it', extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
      if (!started) {
        if (!res.headersSent)
          res
            .status(refusal?.status ?? 500)
            .set('Cache-Control', 'no-store')
            .json({ errors });
        return;
      }
      // Rows already went out: say so in the file, then cut the connection (no final chunk) so that
      // the client sees a truncated transfer and not a complete file.
      logger.warn({ requestId, pages, code: errors[0]?.extensions?.code }, 'CSV export incomplete');
      if (!res.destroyed) res.write(commentLine(`export incomplete: ${errors.map((e) => e.message).join('; ')}`), () => res.destroy());
    }
  };

  router.get('/', (req, res) => {
    void handle(req, res);
  });
  // The content type is checked before the body is parsed, so a form post never reaches the parser.
  router.post(
    '/',
    (req, res, next) => (req.is('application/json') ? options.jsonBody(req, res, next) : next()),
    (req, res) => {
      void handle(req, res);
    },
  );
  return router;
}
