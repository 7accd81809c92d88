/**
 * The supervision rules of docs/domain.md as one catalogue, and the engine that runs them over one
 * person's records. Pure: the evaluator in datasources/ feeds it persons in batches and stores what
 * it finds as leads.
 */
import { detExpiryWarning, detExtractionAfterExpiry, detLongNoVerdict, detNotDelivered, detOverdueStage } from './detention';
import { prisonCommutationIrregular, prisonNotReleased, prisonParoleIrregular } from './prison';
import { corrAbsconded, corrMissingAfterParole, corrNotReported, corrNotTerminated, crossConflict, crossReoffending } from './correction';
import { enfNotTransferred, enfTransferLate } from './enforcement';
import { dataLateEntry } from './data';
import type { Finding, Numbers, PersonRecords, Rendered, RuleDefinition, Severity } from './types';

export type { Finding, FindingRecord, Numbers, PersonRecords, Rendered, RuleContext, RuleDefinition, RuleRecord, Severity } from './types';

export const RULES: readonly RuleDefinition<any>[] = [
  detOverdueStage,
  detExpiryWarning,
  detLongNoVerdict,
  detExtractionAfterExpiry,
  detNotDelivered,
  prisonNotReleased,
  prisonCommutationIrregular,
  prisonParoleIrregular,
  corrNotReported,
  corrAbsconded,
  corrNotTerminated,
  corrMissingAfterParole,
  crossReoffending,
  crossConflict,
  enfNotTransferred,
  enfTransferLate,
  dataLateEntry,
];

export const RULE_IDS = RULES.map((r) => r.id);
const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): RuleDefinition<any> | undefined {
  return BY_ID.get(id);
}

/** Parameters per rule id; a missing rule runs with its defaults. */
export type RuleParameters = Readonly<Record<string, Record<string, unknown>>>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge of a change into parameters (objects merged key by key; arrays and scalars replaced). */
function mergeParams(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? mergeParams(base[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

export type ParameterCheck = { ok: true; parameters: Record<string, unknown> } | { ok: false; problems: string[] };

/**
 * Applies an administrator's change to a rule's current parameters and checks the result whole:
 * every problem names its parameter (`TRADEMARK.amount: Expected number, received string`).
 */
export function changeParameters(ruleId: string, current: Record<string, unknown>, change: unknown): ParameterCheck {
  const rule = BY_ID.get(ruleId);
  if (!rule) return { ok: false, problems: [`rule: no rule ${ruleId}; known: ${RULE_IDS.join(', ')}`] };
  if (!isPlainObject(change)) return { ok: false, problems: ['parameters: must be a JSON object of parameter names and values'] };
  const unknown = Object.keys(change).filter((k) => !(k in rule.defaults));
  if (unknown.length > 0) {
    return {
      ok: false,
      problems: unknown.map(
        (k) => `parameters.${k}: not a parameter of ${ruleId}; known: ${Object.keys(rule.defaults).join(', ') || '(none)'}`,
      ),
    };
  }
  const merged = mergeParams(current, change);
  const parsed = rule.schema.safeParse(merged);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `parameters.${i.path.map(String).join('.') || '(all)'}: ${i.message}`) };
  }
  return { ok: true, parameters: parsed.data as Record<string, unknown> };
}

/** One person's findings today, and the first later day they can change. */
export interface PersonEvaluation {
  findings: Finding[];
  /**
   * The earliest day after today on which a rule's result for this person changes (a finding appears
   * or disappears, or its severity or stored explanation changes) with the records as they are; null:
   * never. Until then the stored findings stay as today's, and only new records change them.
   */
  nextChange: number | null;
}

/** Runs the chosen rules (all when `rules` is null) over one person on the Beijing day `today`. */
export function evaluatePerson(
  person: PersonRecords,
  ctx: { today: number },
  params: RuleParameters = {},
  rules: readonly string[] | null = null,
): PersonEvaluation {
  const { today } = ctx;
  let nextChange: number | null = null;
  const wake = (day: number) => {
    if (day > today && (nextChange === null || day < nextChange)) nextChange = day;
  };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (rules && !rules.includes(rule.id)) continue;
    for (const f of rule.evaluate(person, params[rule.id] ?? rule.defaults, { today, wake })) {
      findings.push({ ...f, rule: rule.id, idNumber: person.idNumber, fingerprint: `${rule.id}|${f.fingerprint}` });
    }
  }
  return { findings, nextChange };
}

/**
 * A stored finding (or lead) as read on the Beijing day `today`: its dated figures with the day
 * counts of that day, and the explanation with them. Pure; a finding whose figures do not age reads as stored.
 */
export function renderFinding(
  f: { rule: string; severity: Severity; numbers?: Numbers | null; explanation: string; explanationEn: string },
  today: number,
): Rendered {
  const numbers = f.numbers ?? {};
  const rendered = BY_ID.get(f.rule)?.render?.(numbers, today, f.severity);
  return rendered ?? { numbers, explanation: f.explanation, explanationEn: f.explanationEn };
}
