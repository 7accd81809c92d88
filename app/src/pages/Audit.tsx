/**
 * The audit log (审计日志, administrators): every operation with who, for which purpose, what came
 * back, newest first, filtered by caller, operation and time; and the verification of its hash chain,
 * run by the hub with its progress shown.
 */
import { DatePicker, Form, Input, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useGql } from '../client';
import { graphql } from '../gql';
import type { AuditFilter } from '../gql/graphql';
import { useI18n } from '../i18n';
import { when } from '../labels';
import { Failure } from '../problems';
import { FilterBar, PageTitle, SectionTitle, useCursorPages } from '../ui';
import { AuditVerification } from './AuditVerification';

const AUDIT = graphql(`
  query WorkbenchAudit($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          seq
          at
          actor
          purpose
          operationName
          status
          errorCodes
          durationMs
          clientAddress
          gateway
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

interface Filters {
  actorSub?: string;
  operationName?: string;
  period?: [Dayjs | null, Dayjs | null] | null;
}

function actorText(actor: unknown): string {
  const a = (actor ?? {}) as { kind?: string; sub?: string; role?: string; org?: string; sourceId?: string };
  if (a.kind === 'person') return `${a.sub} (${a.role}, ${a.org})`;
  if (a.kind === 'source') return `source ${a.sourceId}`;
  return a.kind ?? '—';
}

const PAGE = 50;

export function AuditPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const pages = useCursorPages();
  const audit = useGql(AUDIT, { filter, first: PAGE, after: pages.after });
  const page = audit.data?.data.auditLog;
  const onFilter = (f: Filters) => {
    const next: AuditFilter = {};
    if (f.actorSub?.trim()) next.actorSub = f.actorSub.trim();
    if (f.operationName?.trim()) next.operationName = f.operationName.trim();
    if (f.period?.[0]) next.from = f.period[0].toISOString();
    if (f.period?.[1]) next.to = f.period[1].toISOString();
    setFilter(next);
    pages.reset();
  };
  return (
    <section aria-labelledby="audit-title">
      <PageTitle id="audit-title">{t('menuAudit')}</PageTitle>
      <AuditVerification />
      <SectionTitle>{t('auditEntries')}</SectionTitle>
      <FilterBar<Filters> onSearch={onFilter}>
        <Form.Item name="actorSub" label={t('actor')}>
          <Input style={{ width: 180 }} aria-label={t('actor')} />
        </Form.Item>
        <Form.Item name="operationName" label={t('operation')}>
          <Input style={{ width: 180 }} aria-label={t('operation')} />
        </Form.Item>
        <Form.Item name="period" label={t('period')}>
          <DatePicker.RangePicker showTime allowEmpty={[true, true]} aria-label={t('period')} />
        </Form.Item>
      </FilterBar>
      {audit.error && <Failure error={audit.error} retry={() => void audit.refetch()} />}
      <Table
        size="small"
        rowKey={(e) => e.cursor}
        loading={audit.isFetching}
        dataSource={page?.edges ?? []}
        pagination={false}
        scroll={{ x: 1100 }}
        columns={[
          { title: '#', width: 80, render: (_, { node }) => node.seq },
          { title: t('eventAt'), width: 140, render: (_, { node }) => when(node.at) },
          {
            title: t('actor'),
            render: (_, { node }) =>
              node.gateway ? `${actorText(node.actor)} · ${t('viaGateway', { name: node.gateway })}` : actorText(node.actor),
          },
          { title: t('purpose'), render: (_, { node }) => node.purpose ?? '—' },
          { title: t('operation'), render: (_, { node }) => node.operationName ?? '—' },
          {
            title: t('status'),
            width: 150,
            render: (_, { node }) => (
              <Tag color={node.status === 'OK' ? 'green' : 'red'}>
                {node.status === 'OK' ? 'OK' : node.errorCodes.join(', ') || node.status}
              </Tag>
            ),
          },
          { title: 'ms', width: 70, align: 'right', render: (_, { node }) => node.durationMs },
          { title: t('clientAddress'), width: 130, render: (_, { node }) => node.clientAddress ?? '—' },
        ]}
      />
      <pages.Pager pageInfo={page?.pageInfo} />
    </section>
  );
}
