/**
 * Benchmark baseline: the "naive build". What most Apollo + mongoose tutorials produce: one
 * resolver per field, each calling a mongoose model directly, full documents (no `lean()`, no
 * projections), no DataLoader, offset paging. Not sabotaged and not optimized: plain tutorial code,
 * so the benchmark can compare the hub against what a first attempt would look like.
 *
 *   npx tsx bench/baselines/naive.ts --uri mongodb://127.0.0.1:27200/ --db bench_100k --port 4101
 *
 * Serves through bench/baselines/serve.ts (`LISTENING <url>` when ready, exit 0 on SIGTERM/SIGINT).
 * Read-only: it never writes to the database.
 */
import type { Model } from 'mongoose';
import type { AnyRecordDoc, Models } from '../../datasources/store/models';
import { serveBaseline } from './serve';

const typeDefs = `#graphql
  type Query {
    person(idNumber: String!): Person
    persons(idNumbers: [String!]!): [Person]!
    detentionRecords(region: String, regionPrefix: String, first: Int = 20, page: Int = 1): [DetentionRecord!]!
    statistics(domain: String!, regionPrefix: String): [Bucket!]!
  }
  type Person {
    idNumber: String!
    name: String!
    detentions(first: Int = 50): [DetentionRecord!]!
    imprisonments(first: Int = 50): [PrisonRecord!]!
    corrections(first: Int = 50): [CommunityCorrection!]!
    enforcementCases(first: Int = 50): [EnforcementCase!]!
  }
  type Unit { code: String! name: String! }
  type DetentionRecord {
    id: ID! externalId: String! region: String! eventAt: String! updatedAt: String!
    facility: Unit! caseNumber: String! stage: String! admittedAt: String! releasedAt: String
    person: Person!
  }
  type PrisonRecord {
    id: ID! externalId: String! region: String! eventAt: String! updatedAt: String!
    prison: Unit! crime: String! status: String! admittedAt: String! expectedReleaseDate: String
  }
  type CommunityCorrection {
    id: ID! externalId: String! region: String! eventAt: String! updatedAt: String!
    office: Unit! correctionType: String! status: String! startDate: String! endDate: String!
  }
  type EnforcementCase {
    id: ID! externalId: String! region: String! eventAt: String! updatedAt: String!
    agency: Unit! caseNumber: String! category: String! amountInvolved: Float! status: String!
  }
  type Bucket { region: String! month: String! count: Int! }
`;

interface Person {
  idNumber: string;
  name: string;
}
type Domain = keyof Models['records'];
const DOMAINS: Domain[] = ['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'];

/** Dates go out as ISO strings; 'YYYY-MM-DD' strings go out as they are. */
function toIso(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  return value instanceof Date ? value.toISOString() : value;
}

serveBaseline('naive', (models) => {
  const { DETENTION, PRISON, COMMUNITY_CORRECTION, ENFORCEMENT_CASE } = models.records;
  const recordModels = [DETENTION, PRISON, COMMUNITY_CORRECTION, ENFORCEMENT_CASE] as Model<AnyRecordDoc>[];

  /** A person is whoever the newest record (by updatedAt) with that ID number says. */
  async function findPerson(idNumber: string): Promise<Person | null> {
    const latest = await Promise.all(recordModels.map((M) => M.findOne({ idNumber }).sort({ updatedAt: -1 })));
    let newest: AnyRecordDoc | null = null;
    for (const record of latest) {
      if (record && (!newest || record.updatedAt > newest.updatedAt)) newest = record;
    }
    return newest ? { idNumber: newest.idNumber, name: newest.name } : null;
  }

  const recordFields = {
    id: (r: AnyRecordDoc) => r._id.toString(),
    eventAt: (r: AnyRecordDoc) => toIso(r.eventAt),
    updatedAt: (r: AnyRecordDoc) => toIso(r.updatedAt),
  };

  // Resolvers return `.exec()` promises, not bare mongoose Queries: Apollo's plugin instrumentation
  // calls `.then` on a resolver's result and graphql-js calls it again, and mongoose 9 refuses to run
  // the same Query twice ("Query was already executed").
  const resolvers = {
    Query: {
      person: (_: unknown, args: { idNumber: string }) => findPerson(args.idNumber),
      persons: (_: unknown, args: { idNumbers: string[] }) => args.idNumbers.map((id) => findPerson(id)),
      detentionRecords: (_: unknown, args: { region?: string | null; regionPrefix?: string | null; first: number; page: number }) =>
        DETENTION.find(args.region ? { region: args.region } : args.regionPrefix ? { regionPath: args.regionPrefix } : {})
          .sort({ eventAt: -1, _id: -1 })
          .skip((args.page - 1) * args.first)
          .limit(args.first)
          .exec(),
      statistics: async (_: unknown, args: { domain: string; regionPrefix?: string | null }) => {
        if (!DOMAINS.includes(args.domain as Domain)) throw new Error(`unknown domain ${args.domain}`);
        const model = models.records[args.domain as Domain] as Model<AnyRecordDoc>;
        const groups = await model.aggregate<{ _id: { region: string; month: string }; count: number }>([
          ...(args.regionPrefix ? [{ $match: { regionPath: args.regionPrefix } }] : []),
          { $group: { _id: { region: '$region', month: '$eventMonth' }, count: { $sum: 1 } } },
        ]);
        return groups
          .map((g) => ({ region: g._id.region, month: g._id.month, count: g.count }))
          .sort((a, b) => a.region.localeCompare(b.region) || a.month.localeCompare(b.month));
      },
    },
    Person: {
      detentions: (p: Person, args: { first: number }) =>
        DETENTION.find({ idNumber: p.idNumber }).sort({ eventAt: -1, _id: -1 }).limit(args.first).exec(),
      imprisonments: (p: Person, args: { first: number }) =>
        PRISON.find({ idNumber: p.idNumber }).sort({ eventAt: -1, _id: -1 }).limit(args.first).exec(),
      corrections: (p: Person, args: { first: number }) =>
        COMMUNITY_CORRECTION.find({ idNumber: p.idNumber }).sort({ eventAt: -1, _id: -1 }).limit(args.first).exec(),
      enforcementCases: (p: Person, args: { first: number }) =>
        ENFORCEMENT_CASE.find({ idNumber: p.idNumber }).sort({ eventAt: -1, _id: -1 }).limit(args.first).exec(),
    },
    DetentionRecord: {
      ...recordFields,
      admittedAt: (r: { admittedAt: Date }) => toIso(r.admittedAt),
      releasedAt: (r: { releasedAt?: Date | null }) => toIso(r.releasedAt),
      // the person as the record names them, which is what the hub answers on a record
      person: (r: AnyRecordDoc): Person => ({ idNumber: r.idNumber, name: r.name }),
    },
    PrisonRecord: {
      ...recordFields,
      admittedAt: (r: { admittedAt: Date }) => toIso(r.admittedAt),
      expectedReleaseDate: (r: { expectedReleaseDate?: string | null }) => toIso(r.expectedReleaseDate),
    },
    CommunityCorrection: { ...recordFields },
    EnforcementCase: { ...recordFields },
  };

  return { typeDefs, resolvers };
});
