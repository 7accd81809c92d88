/**
 * The "off-the-shelf peer" baseline: instant GraphQL generated from the hub's own mongoose models with
 * graphql-compose-mongoose (composeMongoose + mongooseResolvers, relations via addRelation the README
 * way), served by a stock Apollo Server (startStandaloneServer). No auth, no DataLoader, no hand tuning:
 * library defaults everywhere except what is needed to expose the fields and sorts the benchmark uses.
 *
 *   npx tsx bench/baselines/peer.ts --uri mongodb://127.0.0.1:27200/ --db bench_100k --port 4102
 *
 * Serves through bench/baselines/serve.ts (`LISTENING <url>` when ready, exit 0 on SIGTERM/SIGINT).
 * Read-only: no writes, no index or collection creation (autoIndex/autoCreate off).
 */
import type { Model } from 'mongoose';
import { SchemaComposer } from 'graphql-compose';
import { composeMongoose, type ObjectTypeComposerWithMongooseResolvers } from 'graphql-compose-mongoose';
import { serveBaseline } from './serve';

/** Fields every record type keeps (plus per-domain ones below). */
const COMMON_FIELDS = ['_id', 'externalId', 'idNumber', 'name', 'region', 'eventAt', 'updatedAt', 'eventMonth'];
/** Sorts the benchmark needs that are not an index prefix, so not generated (`updatedAt` is not indexed). */
const EXTRA_SORTS = [
  { name: 'UPDATEDAT_DESC', value: { updatedAt: -1 } },
  { name: 'UPDATEDAT_ASC', value: { updatedAt: 1 } },
];

/**
 * Filter options for every findMany: operators (gt, gte, lt, lte, ne, in, nin, regex, exists) explicitly on
 * for idNumber and region; the other indexed fields keep the library default (all operators).
 * A fresh object per resolver: the library writes into it.
 */
const filterOpts = () => ({ operators: { idNumber: true, region: true } });

type AnyTC = ObjectTypeComposerWithMongooseResolvers<any, any>;

serveBaseline('peer', (models) => {
  const schemaComposer = new SchemaComposer();
  const compose = (model: Model<any>): AnyTC => composeMongoose(model, { schemaComposer });

  const DetentionTC = compose(models.records.DETENTION);
  const PrisonTC = compose(models.records.PRISON);
  const CorrectionTC = compose(models.records.COMMUNITY_CORRECTION);
  const EnforcementTC = compose(models.records.ENFORCEMENT_CASE);
  const all = [DetentionTC, PrisonTC, CorrectionTC, EnforcementTC];

  // Required fields the benchmark selects; fail fast if the conversion dropped one.
  const required: Array<[AnyTC, string[]]> = [
    [DetentionTC, ['facility', 'caseNumber', 'stage', 'admittedAt', 'releasedAt']],
    [PrisonTC, ['prison', 'crime', 'status', 'admittedAt', 'expectedReleaseDate']],
    [CorrectionTC, ['office', 'correctionType', 'status', 'startDate', 'endDate']],
    [EnforcementTC, ['agency', 'caseNumber', 'category', 'amountInvolved', 'status']],
  ];
  for (const [tc, fields] of required) {
    for (const f of [...COMMON_FIELDS, ...fields]) {
      if (!tc.hasField(f)) throw new Error(`${tc.getTypeName()} lacks field ${f}`);
    }
  }

  // findMany with the common options (the generated sort enum is shared per type, so extra values
  // added here show up on every findMany/pagination of that type).
  const findMany = (tc: AnyTC) => {
    let resolver = tc.mongooseResolvers.findMany({ filter: filterOpts() });
    for (const s of EXTRA_SORTS) resolver = resolver.addSortArg(s);
    return resolver;
  };

  schemaComposer.Query.addFields({
    detentionMany: findMany(DetentionTC),
    prisonMany: findMany(PrisonTC),
    correctionMany: findMany(CorrectionTC),
    enforcementMany: findMany(EnforcementTC),
    detentionPagination: DetentionTC.mongooseResolvers.pagination({ findManyOpts: { filter: filterOpts() } }),
  });

  // Relations (README "How to build nesting/relations?"): the records of the same person in each model.
  // The scenarios do not ask for them: a list record's person is the record's own ID number and name,
  // as the hub answers it, and a dossier asks the four models directly.
  const relations: Array<[string, AnyTC]> = [
    ['personDetentions', DetentionTC],
    ['personPrisons', PrisonTC],
    ['personCorrections', CorrectionTC],
    ['personEnforcements', EnforcementTC],
  ];
  for (const tc of all) {
    for (const [name, target] of relations) {
      tc.addRelation(name, {
        resolver: () => findMany(target),
        prepareArgs: {
          filter: (source: { idNumber: string }) => ({ idNumber: source.idNumber }),
        },
        projection: { idNumber: true },
      });
    }
  }

  const schema = schemaComposer.buildSchema();
  return { schema };
});
