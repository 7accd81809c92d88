/**
 * `npx tsx examples/supervision-path.ts [--hub http://localhost:4000/graphql] [--region 500101]`
 *
 * Supervision carried through, against a running hub (`npm start`), as its users would do it over
 * HTTP with their own tokens (development tokens, signed like `npm run token`):
 *
 * 1. a procurator of the district finds an open custody lead (超期羁押) of its jurisdiction;
 * 2. issues a recommendation (检察建议) from it to the detention centre that holds the record;
 * 3. the detention centre (a DEPARTMENT token for its unit code) signs for it (签收), which starts the
 *    two-month clock, and answers in writing (书面回复) that it has put things right;
 * 4. the procurator accepts the answer as rectified: the document closes and its lead is resolved,
 *    citing the document's number;
 * 5. another detention centre asks for the document and is told nothing;
 * 6. an analyst reads the ledger (台账) and the assessment (考核) of the district for the year.
 *
 * Each step prints what the hub answered. Nothing here is special to the example: the same operations
 * are what a front end sends (docs/api.md).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { signToken, type PersonClaims } from '../server/jwt';

const { values } = parseArgs({
  options: {
    hub: { type: 'string', default: 'http://localhost:4000/graphql' },
    region: { type: 'string', default: '500101' },
  },
});
const hub = values.hub!;
const region = values.region!;
const config = loadConfig();
const token = (claims: PersonClaims) => signToken(config.jwt, claims, '1h');
const purpose = `渝检${region.slice(4)}监〔2026〕8号`;

async function gql(bearer: string, query: string, variables: Record<string, unknown> = {}, withPurpose = false): Promise<any> {
  const res = await fetch(hub, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${bearer}`,
      // a header is Latin-1 for fetch: the purpose goes percent-encoded, which the hub decodes
      ...(withPurpose ? { 'x-purpose': encodeURIComponent(purpose) } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`${res.status}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data;
}

function show(step: string, value: unknown) {
  process.stdout.write(`\n${step}\n${JSON.stringify(value, null, 2)}\n`);
}

async function main() {
  const procurator = await token({ sub: 'p-zhang', org: `JCY-${region}`, role: 'PROCURATOR', regions: [region], unmasked: false });
  const analyst = await token({ sub: 'a-li', org: 'FX', role: 'ANALYST', regions: ['50'], unmasked: false });

  const leads = await gql(
    procurator,
    `query($regions: [String!]) { supervisionLeads(filter: { regions: $regions, rules: ["DET_OVERDUE_STAGE"], status: [NEW] }, first: 1) {
      edges { node { id explanation records { ... on DetentionRecord { facility { code name } } } } } } }`,
    { regions: [region] },
    true,
  );
  const lead = leads.supervisionLeads.edges[0]?.node;
  if (!lead) throw new Error(`no NEW custody lead in ${region}: has the evaluation run (10 s after start)?`);
  show('1. the lead (监督线索)', lead);
  const unit = lead.records[0].facility as { code: string; name: string };

  const issued = await gql(
    procurator,
    `mutation($input: IssueDocumentInput!) { issueDocument(input: $input) { id number status addressee { code name } } }`,
    {
      input: {
        kind: 'RECOMMENDATION',
        addressee: unit,
        leads: [lead.id],
        facts: '在押人员羁押期限已超过法定期限，未依法变更强制措施。',
        legalBasis: '《中华人民共和国刑事诉讼法》第九十八条',
        request: '依法变更强制措施，并于两个月内书面回复整改情况。',
      },
    },
    true,
  );
  show('2. the recommendation issued (制发检察建议)', issued.issueDocument);
  const id = issued.issueDocument.id as string;

  const centre = await token({ sub: 'd-wang', org: unit.code, role: 'DEPARTMENT', regions: [region], unmasked: false });
  const signed = await gql(centre, `mutation($id: ID!) { signDocumentReceipt(id: $id) { status receivedAt dueDate daysLeft } }`, { id });
  show('3a. signed for by the detention centre (签收)', signed.signDocumentReceipt);
  const answered = await gql(
    centre,
    `mutation($id: ID!) { answerDocument(id: $id, input: { text: "已依法变更强制措施为取保候审。", measures: "建立羁押期限届满前七日提醒制度。",
      rectification: RECTIFIED }) { status answers { at rectification late } } }`,
    { id },
  );
  show('3b. answered in writing (书面回复)', answered.answerDocument);

  const accepted = await gql(
    procurator,
    `mutation($id: ID!) { acceptDocumentAnswer(id: $id, outcome: RECTIFIED, note: "经核实已整改") {
      number status outcome leads { lead { status history { actor status note } } } } }`,
    { id },
    true,
  );
  show('4. accepted: the document closes, its lead is resolved (采纳回复，线索办结)', accepted.acceptDocumentAnswer);

  const other = await token({ sub: 'd-other', org: 'KSS500102', role: 'DEPARTMENT', regions: ['500102'], unmasked: false });
  show('5. another detention centre asks for it', await gql(other, `query($id: ID!) { supervisionDocument(id: $id) { number } }`, { id }));

  const year = new Date().getFullYear();
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const period = { from: `${year}-01-01`, to: today };
  const ledger = await gql(
    analyst,
    `query($period: LedgerPeriod!, $regions: [String!]) {
      documentLedger(period: $period, groupBy: [KIND], regions: $regions) { keys { label } documents received answered answeredOnTime answeredLate
        overdue objections objectionsUpheld objectionsOverturned rectified reportsRequired reportsLate notHandledAsRequired }
      documentAssessment(period: $period, regions: $regions) { perDocument cap units { unit { name } documents notHandledAsRequired deduction } } }`,
    { period, regions: [region] },
  );
  show(`6. the ledger of ${region} for ${period.from} to ${period.to} (台账)`, ledger.documentLedger);
  show('   and the assessment, most deducted first (考核)', {
    ...ledger.documentAssessment,
    units: ledger.documentAssessment.units.slice(0, 5),
  });
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
