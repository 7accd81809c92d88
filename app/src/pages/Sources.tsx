/**
 * Data sources (数据源): a department sees its own, an administrator all, each with its live health
 * (last success, last error, failures in a row, p95, records dropped). One source's page adds what its
 * pushes had refused and why, and the key rotation (the new key shown once).
 */
import { Alert, App, Badge, Button, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import type { WorkbenchSourcesQuery } from '../gql/graphql';
import { useI18n } from '../i18n';
import { label, when } from '../labels';
import { Failure } from '../problems';
import { useSession } from '../session';
import { PageTitle, SectionTitle, useCursorPages } from '../ui';

const SOURCES = graphql(`
  query WorkbenchSources {
    dataSources {
      id
      name
      domain
      kind
      status
      department {
        code
        name
      }
      health {
        healthy
        lastSuccessAt
        lastErrorAt
        lastError
        consecutiveFailures
        p95LatencyMs
        lastRecordAt
        droppedRecords
      }
    }
  }
`);

const SOURCE = graphql(`
  query WorkbenchSource($id: ID!, $first: Int, $after: String) {
    dataSource(id: $id) {
      id
      name
      domain
      kind
      status
      suspendedReason
      endpoint
      department {
        code
        name
      }
      health {
        healthy
        lastSuccessAt
        lastErrorAt
        lastError
        consecutiveFailures
        p95LatencyMs
        lastRecordAt
        droppedRecords
      }
      rejections(first: $first, after: $after) {
        edges {
          cursor
          node {
            at
            index
            externalId
            reasons
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const SUSPEND = graphql(`
  mutation WorkbenchSuspendSource($id: ID!, $reason: String!) {
    suspendDataSource(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

const ACTIVATE = graphql(`
  mutation WorkbenchActivateSource($id: ID!) {
    activateDataSource(id: $id) {
      id
      status
    }
  }
`);

const ROTATE = graphql(`
  mutation WorkbenchRotateKey($id: ID!) {
    rotateDataSourceKey(id: $id) {
      apiKey
      dataSource {
        id
      }
    }
  }
`);

type Health = WorkbenchSourcesQuery['dataSources'][number]['health'];

function HealthBadge({ health }: { health: Health }) {
  const { t } = useI18n();
  return <Badge status={health.healthy ? 'success' : 'error'} text={health.healthy ? t('healthy') : t('unhealthy')} />;
}

export function SourcesPage() {
  const { t, lang } = useI18n();
  const sources = useGql(SOURCES, {});
  return (
    <section aria-labelledby="sources-title">
      <PageTitle id="sources-title">{t('menuSources')}</PageTitle>
      {sources.error && <Failure error={sources.error} retry={() => void sources.refetch()} />}
      <Table
        size="small"
        rowKey="id"
        loading={sources.isFetching}
        dataSource={sources.data?.data.dataSources ?? []}
        pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => t('total', { n }) }}
        scroll={{ x: 1100 }}
        columns={[
          { title: t('sourceName'), render: (_, s) => <Link to={`/sources/${s.id}`}>{s.name}</Link> },
          { title: t('department'), render: (_, s) => s.department.name },
          { title: t('domain'), width: 120, render: (_, s) => label('Domain', s.domain, lang) },
          { title: t('kind'), width: 80, dataIndex: 'kind' },
          {
            title: t('status'),
            width: 80,
            render: (_, s) => (
              <Tag color={s.status === 'ACTIVE' ? 'green' : 'default'}>{s.status === 'ACTIVE' ? t('active') : t('suspended')}</Tag>
            ),
          },
          { title: t('health'), width: 90, render: (_, s) => <HealthBadge health={s.health} /> },
          { title: t('lastSuccess'), width: 140, render: (_, s) => when(s.health.lastSuccessAt) },
          { title: t('lastError'), render: (_, s) => (s.health.lastError ? `${when(s.health.lastErrorAt)} ${s.health.lastError}` : '—') },
          { title: 'p95 (ms)', width: 90, align: 'right', render: (_, s) => s.health.p95LatencyMs?.toFixed(0) ?? '—' },
          { title: t('dropped'), width: 80, align: 'right', render: (_, s) => s.health.droppedRecords },
        ]}
      />
    </section>
  );
}

const PAGE = 50;

export function SourcePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { modal } = App.useApp();
  const session = useSession();
  const pages = useCursorPages();
  const [newKey, setNewKey] = useState<string | null>(null);
  const source = useGql(SOURCE, { id, first: PAGE, after: pages.after });
  const [suspending, setSuspending] = useState(false);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const changed = () => {
    setSuspending(false);
    reasonForm.resetFields();
    void queryClient.invalidateQueries();
  };
  const suspend = useGqlMutation(SUSPEND, changed);
  const activate = useGqlMutation(ACTIVATE, changed);
  const rotate = useGqlMutation(ROTATE, (answer) => {
    setNewKey(answer.data.rotateDataSourceKey.apiKey);
    void queryClient.invalidateQueries();
  });
  if (source.error) return <Failure error={source.error} retry={() => void source.refetch()} />;
  if (source.isLoading) return <Typography.Text>…</Typography.Text>;
  const s = source.data?.data.dataSource;
  if (!s) return <Typography.Title level={3}>{t('sourceNotFound')}</Typography.Title>;
  const page = s.rejections;
  const mayRotate = session?.claims.role === 'ADMIN' || (session?.claims.role === 'DEPARTMENT' && session.claims.org === s.department.code);

  return (
    <section aria-labelledby="source-title">
      <Link to="/sources">‹ {t('menuSources')}</Link>
      <PageTitle id="source-title">
        {s.name} <HealthBadge health={s.health} />
      </PageTitle>
      {s.status === 'SUSPENDED' && (
        <Alert type="warning" showIcon title={`${t('suspended')}: ${s.suspendedReason ?? ''}`} style={{ marginBottom: 12 }} />
      )}
      <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('department')}>{`${s.department.name} (${s.department.code})`}</Descriptions.Item>
        <Descriptions.Item label={t('domain')}>{label('Domain', s.domain, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('kind')}>{s.kind}</Descriptions.Item>
        <Descriptions.Item label={t('lastSuccess')}>{when(s.health.lastSuccessAt)}</Descriptions.Item>
        <Descriptions.Item label={t('lastRecord')}>{when(s.health.lastRecordAt)}</Descriptions.Item>
        <Descriptions.Item label={t('failuresInRow')}>{s.health.consecutiveFailures}</Descriptions.Item>
        <Descriptions.Item label={t('lastError')} span={2}>
          {s.health.lastError ? `${when(s.health.lastErrorAt)} ${s.health.lastError}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('dropped')}>{s.health.droppedRecords}</Descriptions.Item>
      </Descriptions>
      {mayRotate && (
        <Space style={{ marginBottom: 16 }}>
          <Button
            danger
            loading={rotate.isPending}
            onClick={() => {
              // (the dialog's handle is thenable: nothing waits for it)
              void modal.confirm({
                title: t('rotateKey'),
                content: t('rotateKeyWarning'),
                okText: t('rotateKey'),
                cancelText: t('cancel'),
                onOk: () => rotate.mutate({ id: s.id }),
              });
            }}
          >
            {t('rotateKey')}
          </Button>
          {s.status === 'ACTIVE' ? (
            <Button onClick={() => setSuspending(true)}>{t('suspend')}</Button>
          ) : (
            <Button type="primary" loading={activate.isPending} onClick={() => activate.mutate({ id: s.id })}>
              {t('activate')}
            </Button>
          )}
        </Space>
      )}
      {rotate.error && <Failure error={rotate.error} saving />}
      {activate.error && <Failure error={activate.error} saving />}
      {suspending && (
        <Modal
          open
          title={`${t('suspend')}: ${s.name}`}
          okText={t('suspend')}
          okButtonProps={{ danger: true }}
          cancelText={t('cancel')}
          confirmLoading={suspend.isPending}
          onOk={() => reasonForm.submit()}
          onCancel={() => setSuspending(false)}
        >
          <Typography.Paragraph type="secondary">{t('suspendHint')}</Typography.Paragraph>
          {suspend.error && <Failure error={suspend.error} saving />}
          <Form form={reasonForm} layout="vertical" onFinish={({ reason }) => suspend.mutate({ id: s.id, reason: reason.trim() })}>
            <Form.Item name="reason" label={t('suspendReason')} rules={[{ required: true, whitespace: true, message: t('noteRequired') }]}>
              <Input autoFocus />
            </Form.Item>
          </Form>
        </Modal>
      )}
      <SectionTitle>{t('rejections')}</SectionTitle>
      <Table
        size="small"
        rowKey={(e) => e.cursor}
        loading={source.isFetching}
        dataSource={page.edges}
        pagination={false}
        tableLayout="fixed"
        locale={{ emptyText: t('noRejections') }}
        columns={[
          { title: t('receivedAt'), width: 160, render: (_, { node }) => when(node.at) },
          { title: t('line'), width: 70, align: 'right', render: (_, { node }) => (node.index == null ? '—' : node.index + 1) },
          {
            title: t('externalId'),
            width: 240,
            render: (_, { node }) => <span style={{ overflowWrap: 'anywhere' }}>{node.externalId ?? '—'}</span>,
          },
          {
            title: t('reasons'),
            render: (_, { node }) => (
              <ul style={{ margin: 0, paddingInlineStart: 18, overflowWrap: 'anywhere' }}>
                {node.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <pages.Pager pageInfo={page.pageInfo} />
      {newKey && (
        <Modal
          open
          title={t('newKey')}
          onOk={() => setNewKey(null)}
          onCancel={() => setNewKey(null)}
          okText={t('keySaved')}
          cancelButtonProps={{ style: { display: 'none' } }}
        >
          <Alert type="warning" showIcon title={t('newKeyOnce')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable={{ text: newKey }} code data-testid="new-key" style={{ wordBreak: 'break-all' }}>
            {newKey}
          </Typography.Paragraph>
        </Modal>
      )}
    </section>
  );
}
