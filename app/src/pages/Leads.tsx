/**
 * The leads inbox (线索收件箱): filters by rule, severity, region, status and the day found; pages by
 * cursor; a row opens the lead (a link, so it can be opened in a new tab or sent).
 */
import { Button, DatePicker, Form, Input, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useGql } from '../client';
import { ExportButton } from '../components/ExportButton';
import { graphql } from '../gql';
import type { LeadFilter, LeadStatus, Severity } from '../gql/graphql';
import { useI18n } from '../i18n';
import { label, SEVERITY_COLOR, STATUS_COLOR, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { useHubConfig } from '../hub-config';
import { useSession } from '../session';
import { EnumFilter, FilterBar, PageTitle, useCursorPages } from '../ui';

const RULES = graphql(`
  query WorkbenchRules {
    supervisionRules {
      id
      title
      titleEn
    }
  }
`);

const LEADS = graphql(`
  query WorkbenchLeads($filter: LeadFilter, $first: Int, $after: String) {
    supervisionLeads(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          severity
          status
          detectedAt
          explanation
          explanationEn
          rule {
            id
            title
            titleEn
          }
          person {
            idNumber
            name
          }
          region {
            code
            name
          }
        }
      }
    }
  }
`);

/**
 * The inbox as a file: every lead of the filter, one row each. It pages itself (first, after,
 * pageInfo), so the hub follows its pages with its text unchanged: a trusted operation stays trusted.
 */
const LEADS_EXPORT = graphql(`
  query WorkbenchLeadsExport($filter: LeadFilter, $first: Int, $after: String) {
    supervisionLeads(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          severity
          status
          detectedAt
          rule {
            title
          }
          person {
            idNumber
            name
          }
          region {
            code
            name
          }
          explanation
        }
      }
    }
  }
`);

const PAGE = 20;
const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const STATUSES: LeadStatus[] = ['NEW', 'ACKNOWLEDGED', 'RESOLVED', 'DISMISSED'];

interface Filters {
  rules?: string[];
  severity?: Severity[];
  status?: LeadStatus[];
  region?: string;
  detected?: [Dayjs | null, Dayjs | null] | null;
}

function toFilter(f: Filters): LeadFilter {
  const out: LeadFilter = {};
  if (f.rules?.length) out.rules = f.rules;
  if (f.severity?.length) out.severity = f.severity;
  if (f.status?.length) out.status = f.status;
  if (f.region?.trim()) out.regions = [f.region.trim()];
  if (f.detected?.[0]) out.detectedFrom = f.detected[0].startOf('day').toISOString();
  if (f.detected?.[1]) out.detectedTo = f.detected[1].add(1, 'day').startOf('day').toISOString();
  return out;
}

export function LeadsPage() {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<Filters>({ status: ['NEW', 'ACKNOWLEDGED'] });
  const pages = useCursorPages();
  const rules = useGql(RULES, {}, { staleTime: Infinity });
  const leads = useGql(LEADS, { filter: toFilter(filters), first: PAGE, after: pages.after });
  const page = leads.data?.data.supervisionLeads;
  // a procurator selects open leads to issue a document from (制发监督文书)
  const issuing = useSession()?.claims.role === 'PROCURATOR';
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string[]>([]);
  const hub = useHubConfig();

  return (
    <section aria-labelledby="leads-title">
      <PageTitle id="leads-title">{t('leadsTitle')}</PageTitle>
      <FilterBar<Filters>
        initial={filters}
        onSearch={(f) => {
          setFilters(f);
          pages.reset();
        }}
      >
        <Form.Item name="rules" label={t('rule')}>
          <Select
            mode="multiple"
            allowClear
            style={{ minWidth: 200 }}
            maxTagCount="responsive"
            aria-label={t('rule')}
            options={(rules.data?.data.supervisionRules ?? []).map((r) => ({ value: r.id, label: lang === 'zh' ? r.title : r.titleEn }))}
          />
        </Form.Item>
        <EnumFilter name="severity" title={t('severity')} type="Severity" values={SEVERITIES} width={140} />
        <EnumFilter name="status" title={t('status')} type="LeadStatus" values={STATUSES} />
        <Form.Item name="region" label={t('region')}>
          <Input style={{ width: 100 }} placeholder="500101" aria-label={t('region')} />
        </Form.Item>
        <Form.Item name="detected" label={t('detectedRange')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} aria-label={t('detectedRange')} />
        </Form.Item>
      </FilterBar>
      {leads.error && <Failure error={leads.error} retry={() => void leads.refetch()} />}
      <SourceBanner errors={leads.data?.errors} />
      <Table
        rowKey={(e) => e.node.id}
        size="small"
        loading={leads.isFetching}
        rowSelection={
          issuing
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: ({ node }) => ({
                  disabled: node.status === 'RESOLVED' || node.status === 'DISMISSED',
                  'aria-label': `${node.person.name} ${lang === 'zh' ? node.rule.title : node.rule.titleEn}`,
                }),
              }
            : undefined
        }
        dataSource={page?.edges ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          {
            title: t('severity'),
            width: 90,
            render: (_, { node }) => <Tag color={SEVERITY_COLOR[node.severity]}>{label('Severity', node.severity, lang)}</Tag>,
          },
          { title: t('rule'), width: 170, render: (_, { node }) => (lang === 'zh' ? node.rule.title : node.rule.titleEn) },
          {
            title: t('person'),
            width: 200,
            render: (_, { node }) => (
              <span>
                {node.person.name} <Typography.Text type="secondary">{node.person.idNumber}</Typography.Text>
              </span>
            ),
          },
          { title: t('region'), width: 90, render: (_, { node }) => node.region.name },
          {
            title: t('explanation'),
            render: (_, { node }) => <Link to={`/leads/${node.id}`}>{lang === 'zh' ? node.explanation : node.explanationEn}</Link>,
          },
          {
            title: t('status'),
            width: 90,
            render: (_, { node }) => <Tag color={STATUS_COLOR[node.status]}>{label('LeadStatus', node.status, lang)}</Tag>,
          },
          { title: t('detectedAt'), width: 140, render: (_, { node }) => when(node.detectedAt) },
        ]}
      />
      <pages.Pager pageInfo={page?.pageInfo}>
        <Typography.Text>{t('total', { n: page?.totalCount ?? 0 })}</Typography.Text>
        <ExportButton
          operation={LEADS_EXPORT}
          variables={{ filter: toFilter(filters), first: Math.min(100, hub.data?.maxPageSize ?? 100) }}
          filename={`监督线索-${new Date().toISOString().slice(0, 10)}.csv`}
          columns={[
            { path: 'id', title: 'ID' },
            { path: 'rule.title', title: t('rule') },
            { path: 'severity', title: t('severity') },
            { path: 'status', title: t('status') },
            { path: 'person.name', title: t('name') },
            { path: 'person.idNumber', title: t('idNumber') },
            { path: 'region.code', title: t('regionCode') },
            { path: 'region.name', title: t('region') },
            { path: 'explanation', title: t('explanation') },
            { path: 'detectedAt', title: t('detectedAt') },
          ]}
          total={page?.totalCount}
          disabled={!page?.totalCount}
        />
        {issuing && (
          <Button disabled={selected.length === 0} onClick={() => void navigate(`/documents/new?leads=${selected.join(',')}`)}>
            {t('issueFromSelected', { n: selected.length })}
          </Button>
        )}
      </pages.Pager>
    </section>
  );
}
