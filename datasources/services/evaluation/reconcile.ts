/**
 * Keeps the stored leads in step with a run's findings, a chunk of persons at a time: a new finding
 * becomes a lead, a finding still there refreshes its lead (and reopens one the data had resolved),
 * and an open lead no longer found is resolved by the data. The leads store does the writing.
 */
import type { Domain } from '../../../domain/records';
import type { Finding } from '../../../domain/rules';
import { EVALUATION_ACTOR, newLead, type LeadDoc, type LeadRecordRef, type LeadStore, type ReconciledLead } from '../leads';
import type { EvaluationReport } from './runs';

/** A finding of the run, with the name of its person. */
export interface FoundLead {
  finding: Finding;
  name: string;
}

/** Every stored lead (the fields reconciling needs), by chunk. */
export async function existingLeads(
  leads: LeadStore,
  chunkOf: (idNumber: string) => number,
  chunks: number,
): Promise<Map<string, ReconciledLead>[]> {
  const out = Array.from({ length: chunks }, () => new Map<string, ReconciledLead>());
  for await (const lead of leads.forReconciling()) out[chunkOf(lead.idNumber)].set(lead.key, lead);
  return out;
}

export interface ReconcilerOptions {
  leads: LeadStore;
  /** the rules the run evaluated (null: every rule); leads of other rules are left as they are */
  rules: string[] | null;
  /** live sources that could not be read: leads resting on their records are left as they are */
  unavailable: ReadonlySet<string>;
  now: Date;
  /** counts what the run changed */
  report: EvaluationReport;
}

type Update = { id: LeadDoc['_id']; decide: (current: LeadDoc) => Record<string, unknown> | null };

export class Reconciler {
  constructor(private readonly options: ReconcilerOptions) {}

  /** Brings the stored leads of a chunk of persons in line with this run's findings. */
  async chunk(existing: Map<string, ReconciledLead>, findings: readonly FoundLead[]): Promise<void> {
    const { leads, rules, unavailable, now, report } = this.options;
    const inserts: Omit<LeadDoc, '_id'>[] = [];
    // Each change is decided again on the lead as stored when it is written (claimed-writes.ts): a
    // procurator may have changed the lead since it was read above, and neither change may be lost.
    const updates: Update[] = [];
    const seen = new Set<string>();
    for (const { finding: f, name } of findings) {
      const key = `${f.idNumber}|${f.fingerprint}`;
      seen.add(key);
      const lead = existing.get(key);
      const refs = f.records.map((r) => refOf(r.domain, r.key));
      if (!lead) {
        inserts.push(newLead(f, refs, name, now));
        continue;
      }
      const decide = (
        current: Pick<LeadDoc, 'severity' | 'explanation' | 'status' | 'resolvedByData'> & { history?: LeadDoc['history'] },
      ) => {
        const set: Record<string, unknown> = {};
        if (current.severity !== f.severity || current.explanation !== f.explanation) {
          Object.assign(set, {
            severity: f.severity,
            numbers: f.numbers,
            explanation: f.explanation,
            explanationEn: f.explanationEn,
            records: refs,
            updatedAt: now,
          });
        }
        if (current.status === 'RESOLVED' && current.resolvedByData) {
          Object.assign(set, {
            status: 'NEW',
            resolvedByData: false,
            history: [...(current.history ?? []), { at: now, actor: EVALUATION_ACTOR, status: 'NEW', note: 'found again in the data' }],
          });
        }
        return Object.keys(set).length > 0 ? set : null;
      };
      if (lead.status === 'RESOLVED' && lead.resolvedByData) report.reopened++;
      else if (lead.status === 'NEW' || lead.status === 'ACKNOWLEDGED') report.stillOpen++;
      if (lead.severity !== f.severity || lead.explanation !== f.explanation) report.changed++;
      if (decide(lead)) updates.push({ id: lead._id, decide });
    }
    for (const lead of existing.values()) {
      if (seen.has(lead.key) || (lead.status !== 'NEW' && lead.status !== 'ACKNOWLEDGED')) continue;
      if (rules && !rules.includes(lead.rule)) continue;
      // A lead resting on a live source that could not be read this time is left as it is.
      if (lead.records.some((r) => unavailable.has(r.sourceId))) continue;
      report.resolvedByData++;
      updates.push({
        id: lead._id,
        decide: (current) =>
          current.status !== 'NEW' && current.status !== 'ACKNOWLEDGED'
            ? null
            : {
                status: 'RESOLVED',
                resolvedByData: true,
                updatedAt: now,
                history: [
                  ...current.history,
                  { at: now, actor: EVALUATION_ACTOR, status: 'RESOLVED', note: 'no longer found in the data' },
                ],
              },
      });
    }
    await leads.insertFound(inserts);
    report.newLeads += inserts.length;
    await leads.changeByEvaluation(updates);
  }
}

/** sourceId:externalId → the lead's reference to the record */
function refOf(domain: Domain, key: string): LeadRecordRef {
  const i = key.indexOf(':');
  return { domain, sourceId: key.slice(0, i), externalId: key.slice(i + 1) };
}
