/**
 * Validation of a data-source registration. Pure: every problem is listed at once, each naming
 * its field, so a department fixes its request in one go.
 */
import { isRegionCode, isRegionPrefix, CURRENT_REGIONS, HISTORICAL_REGIONS } from './regions';
import { DOMAINS, recordFieldNames, type Domain } from './records';
import { controlCharacterProblem, echo, echoPlain } from './text';

/**
 * The kinds of source the hub reads live, at query time. The one list of kinds: each has its
 * connector in datasources/sources/connectors/kinds.ts (keyed by this list, so a kind without one
 * fails to compile), and the SDL's `SourceKind` enum is checked against SOURCE_KINDS by a test.
 */
export const LIVE_SOURCE_KINDS = ['REST', 'GRAPHQL', 'SUBGRAPH'] as const;
export type LiveSourceKind = (typeof LIVE_SOURCE_KINDS)[number];
/** Every kind: HOSTED (the department pushes its records into the hub's store) or a live one. */
export const SOURCE_KINDS = ['HOSTED', ...LIVE_SOURCE_KINDS] as const;
export type SourceKindName = (typeof SOURCE_KINDS)[number];

/**
 * The field of the `Person` entity through which a SUBGRAPH source gives a person's records of its
 * domain, when the registration names none: `detentionRecords`, `prisonRecords`,
 * `communityCorrectionRecords`, `enforcementCaseRecords`.
 */
export function defaultEntityField(domain: Domain): string {
  return `${domain.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Records`;
}

/** A GraphQL field name (the spec's Name). */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export function isLiveKind(kind: string | null | undefined): kind is LiveSourceKind {
  return (LIVE_SOURCE_KINDS as readonly (string | null | undefined)[]).includes(kind);
}

export interface RegistrationInput {
  name?: string | null;
  department?: { code?: string | null; name?: string | null } | null;
  domain?: string | null;
  kind?: string | null;
  regions?: readonly string[] | null;
  endpoint?: string | null;
  mapping?: unknown;
  timeoutMs?: number | null;
  /** SUBGRAPH only: the `Person` field that lists this source's records (default: defaultEntityField) */
  entityField?: string | null;
}

export interface Problem {
  field: string;
  message: string;
}

/** Region entries a source may cover: the city (`50`), its halves (`5001`, `5002`) or a district code. */
export function regionProblem(value: string): string | null {
  if (!isRegionPrefix(value)) return `${echo(value)} is not a region code: use 50, 5001, 5002 or a 6-digit district code`;
  if (value.length === 2 && value !== '50') return `"${value}" is outside Chongqing (50)`;
  if (value.length === 4 && value !== '5001' && value !== '5002') return `"${value}" is not a Chongqing prefix (5001 or 5002)`;
  if (value.length === 6 && !(isRegionCode(value) && (value in CURRENT_REGIONS || value in HISTORICAL_REGIONS))) {
    return `"${value}" is not a Chongqing district or county code`;
  }
  return null;
}

/**
 * Checks a registration (or, with `partial`, an update: absent fields are left as they are).
 * `current` is the stored source for updates (its kind and domain apply when not changed).
 */
export function registrationProblems(
  input: RegistrationInput,
  options: { partial?: boolean; current?: { kind: string; domain: string; endpoint?: string | null } } = {},
): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const required = !options.partial;
  const present = (v: unknown) => v !== undefined && v !== null;

  // names are one line: no control character at all, not even a line break
  const oneLine = (field: string, value: string) => {
    const problem = controlCharacterProblem(value);
    if (problem) add(field, problem);
    return !problem;
  };
  if (present(input.name) || required) {
    const name = input.name?.trim() ?? '';
    if (!name) add('name', 'is required');
    else if (name.length > 100) add('name', 'must be at most 100 characters');
    else oneLine('name', name);
  }
  if (present(input.department) || required) {
    if (!input.department?.code?.trim()) add('department.code', 'is required');
    else if (!/^[\w.-]{1,32}$/.test(input.department.code)) add('department.code', 'use letters, digits, _ . - (at most 32)');
    if (!input.department?.name?.trim()) add('department.name', 'is required');
    else if (input.department.name.length > 100) add('department.name', 'must be at most 100 characters');
    else oneLine('department.name', input.department.name);
  }
  const domain = input.domain ?? options.current?.domain;
  if (present(input.domain) || required) {
    if (!domain || !(DOMAINS as readonly string[]).includes(domain)) add('domain', `must be one of ${DOMAINS.join(', ')}`);
  }
  const kind = input.kind ?? options.current?.kind;
  if (present(input.kind) || required) {
    if (!kind || !(SOURCE_KINDS as readonly string[]).includes(kind)) add('kind', `must be one of ${SOURCE_KINDS.join(', ')}`);
  }
  if (present(input.regions) || required) {
    const regions = input.regions ?? [];
    if (regions.length === 0) add('regions', 'at least one region code is required');
    regions.forEach((r, i) => {
      const p = regionProblem(r);
      if (p) add(`regions[${i}]`, p);
    });
  }
  const live = isLiveKind(kind);
  const endpoint = input.endpoint ?? (input.kind ? undefined : options.current?.endpoint);
  if (live) {
    if (!endpoint) add('endpoint', `is required for a ${kind} source`);
    // the URL parser drops tabs and line breaks silently: the stored endpoint would not be the one given
    else if (oneLine('endpoint', endpoint)) {
      let url: URL | undefined;
      try {
        url = new URL(endpoint);
      } catch {
        add('endpoint', `${echo(endpoint)} is not a URL`);
      }
      if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
        add('endpoint', `must be http or https, got ${url.protocol.replace(':', '')}`);
      if (url && (url.username || url.password)) add('endpoint', 'must not carry credentials');
    }
  } else if (kind === 'HOSTED' && present(input.endpoint)) {
    add('endpoint', 'a HOSTED source has no endpoint: its department pushes records to the hub');
  }
  if (present(input.mapping)) {
    const m = input.mapping;
    if (typeof m !== 'object' || Array.isArray(m)) add('mapping', 'must be an object of remote field name → hub field name');
    else {
      if (kind === 'HOSTED') add('mapping', `only live sources (${LIVE_SOURCE_KINDS.join(', ')}) have a mapping`);
      const known = domain && (DOMAINS as readonly string[]).includes(domain) ? recordFieldNames(domain as Domain) : [];
      for (const [remote, hub] of Object.entries(m as Record<string, unknown>)) {
        const field = `mapping.${echoPlain(remote)}`;
        if (
          !remote.trim() ||
          remote.startsWith('$') ||
          remote === '__proto__' ||
          remote === 'constructor' ||
          controlCharacterProblem(remote)
        )
          add(field, 'is not an acceptable field name');
        else if (typeof hub !== 'string') add(field, 'must name a hub field (a string)');
        else if (known.length > 0 && !known.includes(hub)) add(field, `${echo(hub)} is not a field of ${domain} records`);
      }
    }
  }
  if (present(input.entityField)) {
    if (kind !== 'SUBGRAPH') add('entityField', 'only SUBGRAPH sources have an entityField');
    else if (!GRAPHQL_NAME.test(input.entityField!))
      add('entityField', `${echo(input.entityField!)} is not a GraphQL field name (letters, digits and _, not starting with a digit)`);
  }
  if (present(input.timeoutMs) && (!Number.isInteger(input.timeoutMs) || input.timeoutMs! < 100 || input.timeoutMs! > 30_000)) {
    add('timeoutMs', 'must be a whole number of milliseconds from 100 to 30000');
  }
  return problems;
}
