/**
 * Supervision documents (监督文书): the list a procurator follows (with the alerts: due soon, overdue,
 * report overdue, objection pending) and a department works through (those addressed to it), and
 * issuing a recommendation or a correction notice from leads selected in the inbox
 * (/app/documents/new?leads=…), its facts and legal basis drafted from the leads.
 */
import { useQueries } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { execute, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import type { DocumentFilter, DocumentKind, DocumentStatus } from '../gql/graphql';
import { useI18n } from '../i18n';
import { DOCUMENT_STATUS_COLOR, label, SEVERITY_COLOR, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { getSession, useSession } from '../session';
import { EnumFilter, FilterBar, PageTitle, SectionTitle, useCursorPages } from '../ui';
import { DueDate } from './Document';

const DOCUMENTS = graphql(`
  query WorkbenchDocuments($filter: DocumentFilter, $first: Int, $after: String) {
    supervisionDocuments(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          number
          kind
          status
          urgent
          issuedAt
          dueDate
          daysLeft
          overdue
          addressee {
            code
            name
          }
          region {
            name
          }
        }
      }
    }
  }
`);

const ALERTS = graphql(`
  query WorkbenchDocumentAlerts {
    documentAlerts {
      kind
      days
      document {
        id
        number
        kind
        addressee {
          name
        }
      }
    }
  }
`);

const DRAFT_LEAD = graphql(`
  query WorkbenchDraftLead($id: ID!) {
    supervisionLead(id: $id) {
      id
      severity
      status
      explanation
      rule {
        id
        title
        legalBasis
      }
      person {
        idNumber
        name
      }
      region {
        name
      }
      records {
        source {
          department {
            code
            name
          }
        }
      }
    }
  }
`);

const ISSUE = graphql(`
  mutation WorkbenchIssueDocument($input: IssueDocumentInput!) {
    issueDocument(input: $input) {
      id
      number
    }
  }
`);

const PAGE = 20;
const STATUSES: DocumentStatus[] = ['ISSUED', 'RECEIVED', 'OBJECTED', 'ANSWERED', 'CLOSED', 'WITHDRAWN'];
const KINDS: DocumentKind[] = ['RECOMMENDATION', 'CORRECTION_NOTICE'];

interface Filters {
  status?: DocumentStatus[];
  kind?: DocumentKind[];
  overdue?: boolean;
}

function toFilter(f: Filters): DocumentFilter {
  const out: DocumentFilter = {};
  if (f.status?.length) out.status = f.status;
  if (f.kind?.length) out.kind = f.kind;
  if (f.overdue) out.overdue = true;
  return out;
}

export function DocumentsPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const issuing = session?.claims.role === 'PROCURATOR' || session?.claims.role === 'ADMIN';
  const [filters, setFilters] = useState<Filters>({});
  const pages = useCursorPages();
  const docs = useGql(DOCUMENTS, { filter: toFilter(filters), first: PAGE, after: pages.after });
  const alerts = useGql(ALERTS, {}, { enabled: issuing });
  const page = docs.data?.data.supervisionDocuments;

  return (
    <section aria-labelledby="documents-title">
      <PageTitle id="documents-title">{t('documentsTitle')}</PageTitle>
      {issuing && (
        <>
          <SectionTitle>{t('alerts')}</SectionTitle>
          {alerts.error && <Failure error={alerts.error} retry={() => void alerts.refetch()} />}
          {alerts.data && alerts.data.data.documentAlerts.length === 0 && (
            <Typography.Paragraph type="secondary">{t('noAlerts')}</Typography.Paragraph>
          )}
          {(alerts.data?.data.documentAlerts.length ?? 0) > 0 && (
            <Table
              size="small"
              pagination={false}
              rowKey={(a) => `${a.kind}-${a.document.id}`}
              dataSource={alerts.data?.data.documentAlerts}
              style={{ marginBottom: 16 }}
              columns={[
                {
                  title: t('alerts'),
                  width: 140,
                  render: (_, a) => <Tag color={a.kind === 'DUE_SOON' ? 'gold' : 'red'}>{label('DocumentAlertKind', a.kind, lang)}</Tag>,
                },
                { title: t('days'), width: 80, render: (_, a) => t('alertDays', { n: a.days }) },
                { title: t('documentNumber'), render: (_, a) => <Link to={`/documents/${a.document.id}`}>{a.document.number}</Link> },
                { title: t('documentKind'), width: 140, render: (_, a) => label('DocumentKind', a.document.kind, lang) },
                { title: t('addressee'), render: (_, a) => a.document.addressee.name },
              ]}
            />
          )}
        </>
      )}
      <FilterBar<Filters>
        initial={filters}
        onSearch={(f) => {
          setFilters(f);
          pages.reset();
        }}
      >
        <EnumFilter name="status" title={t('status')} type="DocumentStatus" values={STATUSES} width={200} />
        <EnumFilter name="kind" title={t('documentKind')} type="DocumentKind" values={KINDS} width={180} />
        <Form.Item name="overdue" label={t('overdueOnly')} valuePropName="checked">
          <Switch aria-label={t('overdueOnly')} />
        </Form.Item>
      </FilterBar>
      {docs.error && <Failure error={docs.error} retry={() => void docs.refetch()} />}
      <SourceBanner errors={docs.data?.errors} />
      <Table
        rowKey={(e) => e.node.id}
        size="small"
        loading={docs.isFetching}
        dataSource={page?.edges ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: t('documentNumber'),
            width: 200,
            render: (_, { node }) => <Link to={`/documents/${node.id}`}>{node.number}</Link>,
          },
          {
            title: t('documentKind'),
            width: 130,
            render: (_, { node }) => (
              <span>
                {label('DocumentKind', node.kind, lang)} {node.urgent && <Tag color="red">{t('urgent')}</Tag>}
              </span>
            ),
          },
          {
            title: t('status'),
            width: 110,
            render: (_, { node }) => <Tag color={DOCUMENT_STATUS_COLOR[node.status]}>{label('DocumentStatus', node.status, lang)}</Tag>,
          },
          { title: t('addressee'), render: (_, { node }) => node.addressee.name },
          { title: t('region'), width: 90, render: (_, { node }) => node.region.name },
          { title: t('issuedAt'), width: 140, render: (_, { node }) => when(node.issuedAt) },
          {
            title: t('dueDate'),
            width: 200,
            render: (_, { node }) => (
              <DueDate dueDate={node.dueDate} daysLeft={node.daysLeft} overdue={node.overdue} status={node.status} />
            ),
          },
        ]}
      />
      <pages.Pager pageInfo={page?.pageInfo}>
        <Typography.Text>{t('total', { n: page?.totalCount ?? 0 })}</Typography.Text>
      </pages.Pager>
    </section>
  );
}

interface Draft {
  kind: DocumentKind;
  code: string;
  name: string;
  facts: string;
  legalBasis: string;
  request: string;
  urgent: boolean;
  replyWithinDays?: number | null;
}

/** 制发: a document from the leads chosen in the inbox; the facts and legal basis drafted from them. */
export function IssueDocumentPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const ids = useMemo(() => (params.get('leads') ?? '').split(',').filter(Boolean), [params]);
  const s = getSession();
  const leads = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['WorkbenchDraftLead', { id }, s?.token, s?.purpose],
      queryFn: () => execute(DRAFT_LEAD, { id }),
    })),
  });
  const issue = useGqlMutation(ISSUE, (answer) => void navigate(`/documents/${answer.data.issueDocument.id}`));
  const failed = leads.find((q) => q.error)?.error;
  const loaded = leads.every((q) => q.data);
  const found = leads.flatMap((q) => (q.data?.data.supervisionLead ? [q.data.data.supervisionLead] : []));

  if (ids.length === 0)
    return (
      <Alert type="info" showIcon title={t('issueDocument')} description={<Link to="/leads">{t('issueFromSelected', { n: 0 })}</Link>} />
    );
  if (failed) return <Failure error={failed} />;
  if (!loaded) return <Typography.Text>…</Typography.Text>;

  const department = found.flatMap((l) => l.records.map((r) => r.source.department))[0];
  const draft: Draft = {
    kind: 'RECOMMENDATION',
    code: department?.code ?? '',
    name: department?.name ?? '',
    facts: found.map((l, i) => `${i + 1}. ${l.person.name}（${l.person.idNumber}，${l.region.name}）：${l.explanation}`).join('\n'),
    legalBasis: [...new Set(found.map((l) => l.rule.legalBasis))].join('\n'),
    request: '',
    urgent: false,
  };
  const required = (key: Parameters<typeof t>[0]) => [{ required: true, whitespace: true, message: t('fieldRequired', { field: t(key) }) }];

  return (
    <section aria-labelledby="issue-title">
      <Space style={{ marginBottom: 8 }}>
        <Link to="/leads">‹ {t('backToLeads')}</Link>
      </Space>
      <PageTitle id="issue-title">{t('issueDocument')}</PageTitle>
      <SectionTitle>{t('documentLeads')}</SectionTitle>
      <Table
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={found}
        style={{ marginBottom: 16 }}
        columns={[
          {
            title: t('severity'),
            width: 90,
            render: (_, l) => <Tag color={SEVERITY_COLOR[l.severity]}>{label('Severity', l.severity, lang)}</Tag>,
          },
          { title: t('rule'), width: 140, render: (_, l) => l.rule.title },
          { title: t('explanation'), render: (_, l) => <Link to={`/leads/${l.id}`}>{l.explanation}</Link> },
        ]}
      />
      {found.length < ids.length && <Alert type="warning" showIcon title={t('leadNotFound')} style={{ marginBottom: 12 }} />}
      {issue.error && <Failure error={issue.error} saving />}
      <Form<Draft>
        layout="vertical"
        initialValues={draft}
        style={{ maxWidth: 900 }}
        onFinish={(v) =>
          issue.mutate({
            input: {
              kind: v.kind,
              addressee: { code: v.code.trim(), name: v.name.trim() },
              leads: found.map((l) => l.id),
              facts: v.facts.trim(),
              legalBasis: v.legalBasis.trim(),
              request: v.request.trim(),
              urgent: v.urgent,
              replyWithinDays: v.replyWithinDays ?? undefined,
            },
          })
        }
      >
        <Space wrap align="start">
          <Form.Item name="kind" label={t('documentKind')} rules={[{ required: true }]}>
            <Select style={{ width: 200 }} options={KINDS.map((k) => ({ value: k, label: label('DocumentKind', k, lang) }))} />
          </Form.Item>
          <Form.Item name="code" label={t('addresseeCode')} rules={required('addresseeCode')}>
            <Input style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="name" label={t('addresseeName')} rules={required('addresseeName')}>
            <Input style={{ width: 280 }} />
          </Form.Item>
        </Space>
        <Form.Item name="facts" label={t('facts')} rules={[...required('facts'), { max: 10_000 }]}>
          <Input.TextArea rows={5} />
        </Form.Item>
        <Form.Item name="legalBasis" label={t('legalBasis')} rules={[...required('legalBasis'), { max: 2000 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="request" label={t('requestText')} rules={[...required('requestText'), { max: 5000 }]}>
          <Input.TextArea rows={4} />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="urgent" label={t('urgent')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="replyWithinDays" label={t('replyWithinDays')}>
            <InputNumber min={1} max={366} style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit" loading={issue.isPending} disabled={found.length === 0}>
          {t('issue')}
        </Button>
      </Form>
    </section>
  );
}
