/** The live records an evaluation reads: every ACTIVE live source, through its list protocol, once per run. */
import { DOMAINS } from '../../../domain/records';
import type { PersonRecords, RuleRecord } from '../../../domain/rules';
import type { DataSourceDoc } from '../../store/models';
import type { ConnectorPool } from '../../sources/connectors';
import type { SourceRegistry } from '../../sources/registry';
import { personOf, ruleRecord, type RawDoc } from './persons';

/** Pages of this size, at most this many of them per source. */
const PAGE = 500;
const MAX_PAGES = 100_000;

/**
 * Every record of every ACTIVE live source, by person. A source that fails is added to
 * `unavailable` and none of its records are kept.
 */
export async function readLive(
  registry: SourceRegistry,
  connectors: ConnectorPool,
  unavailable: Set<string>,
): Promise<Map<string, PersonRecords>> {
  const byPerson = new Map<string, PersonRecords>();
  const live: DataSourceDoc[] = [];
  for (const d of DOMAINS) for (const s of registry.list(d, 'ACTIVE')) if (s.kind !== 'HOSTED') live.push(s);
  await Promise.all(
    live.map(async (source) => {
      const connector = connectors.for(source);
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
