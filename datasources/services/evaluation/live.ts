/**
 * The live records an evaluation reads: every ACTIVE live source, through its list protocol, once per
 * run; a source read by person only (SUBGRAPH) is asked about the run's persons, chunk by chunk.
 */
import { DOMAINS } from '../../../domain/records';
import type { PersonRecords, RuleRecord } from '../../../domain/rules';
import type { DataSourceDoc } from '../../store/models';
import type { ConnectorPool } from '../../sources/connectors';
import type { SourceRegistry } from '../../sources/registry';
import { personOf, ruleRecord, type RawDoc } from './persons';

/** Pages of this size, at most this many of them per source. */
const PAGE = 500;
const MAX_PAGES = 100_000;
/** Persons per request to a source read by person (a gateway's batch is of the same order). */
const PERSON_BATCH = 100;

/**
 * Every record of every ACTIVE listable live source, by person. A source that fails is added to
 * `unavailable` and none of its records are kept. Sources read by person only are added to
 * `byPersonOnly`, for readByPerson.
 */
export async function readLive(
  registry: SourceRegistry,
  connectors: ConnectorPool,
  unavailable: Set<string>,
  byPersonOnly: DataSourceDoc[],
): Promise<Map<string, PersonRecords>> {
  const byPerson = new Map<string, PersonRecords>();
  const live: DataSourceDoc[] = [];
  for (const d of DOMAINS) for (const s of registry.list(d, 'ACTIVE')) if (s.kind !== 'HOSTED') live.push(s);
  await Promise.all(
    live.map(async (source) => {
      const connector = connectors.for(source);
      if (!connector.listable) {
        byPersonOnly.push(source);
        return;
      }
      let cursor: string | null = null;
      try {
        for (let pages = 0; pages < MAX_PAGES; pages++) {
          const page = await connector.list({ limit: PAGE, cursor });
          for (const doc of page.records) {
            const r = ruleRecord(source.domain, doc as RawDoc);
            r.live = true;
            (personOf(byPerson, doc.idNumber)[source.domain] as RuleRecord[]).push(r);
          }
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
      } catch {
        unavailable.add(source._id.toHexString());
        // records read before the failure stay out: half a source would resolve leads wrongly
        for (const p of byPerson.values()) {
          const list = p[source.domain] as RuleRecord[];
          for (let i = list.length - 1; i >= 0; i--) if (list[i].key.startsWith(`${source._id.toHexString()}:`)) list.splice(i, 1);
        }
      }
    }),
  );
  return byPerson;
}

/**
 * Adds to `persons` (one chunk of a run) the records that sources read by person only hold about
 * them, a batch of persons per request, the sources in parallel. A source that fails is added to
 * `unavailable` and none of its records of this chunk are kept (the chunks it answered before were
 * evaluated with its records; its leads in the rest are left as they are). Records naming a person
 * outside the chunk are not added (that person is another chunk's). Returns how many records were added.
 */
export async function readByPerson(
  sources: readonly DataSourceDoc[],
  connectors: ConnectorPool,
  persons: Map<string, PersonRecords>,
  unavailable: Set<string>,
): Promise<number> {
  const ids = [...persons.keys()];
  const answers = await Promise.all(
    sources.map(async (source) => {
      if (unavailable.has(source._id.toHexString())) return null;
      const connector = connectors.for(source);
      const docs = [];
      try {
        for (let i = 0; i < ids.length; i += PERSON_BATCH) docs.push(...(await connector.byIdNumbers(ids.slice(i, i + PERSON_BATCH))));
      } catch {
        unavailable.add(source._id.toHexString());
        return null;
      }
      return { source, docs };
    }),
  );
  let added = 0;
  for (const answer of answers) {
    if (!answer) continue;
    for (const doc of answer.docs) {
      const p = persons.get(doc.idNumber);
      if (!p) continue;
      const r = ruleRecord(answer.source.domain, doc as RawDoc);
      r.live = true;
      (p[answer.source.domain] as RuleRecord[]).push(r);
      added++;
    }
  }
  return added;
}
