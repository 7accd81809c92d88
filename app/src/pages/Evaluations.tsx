/**
 * Evaluation runs (线索评估, administrators and procurators): the recent runs with their progress,
 * refreshed every 2 s while one runs; a full run can be started here (one at a time across the
 * hub's replicas: a run already going is joined).
 */
import { App, Button, Progress, Table, Tag, Typography } from 'antd';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { when } from '../labels';
import { Failure } from '../problems';
import { PageTitle } from '../ui';

const RUNS = graphql(`
  query WorkbenchEvaluationRuns {
    evaluationRuns(first: 20) {
      id
      trigger
      actor
      status
      startedAt
      finishedAt
      persons
      records
      totalRecords
      error
      report {
        newLeads
        changed
        resolvedByData
        durationMs
      }
    }
  }
`);

const EVALUATE = graphql(`
  mutation WorkbenchEvaluate {
    evaluateRules {
      runId
      newLeads
    }
  }
`);

const STATUS_COLOR: Record<string, string> = { RUNNING: 'processing', DONE: 'success', FAILED: 'error' };

export function EvaluationsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const runs = useGql(
    RUNS,
    {},
    { refetchInterval: (q) => (q.state.data?.data.evaluationRuns.some((r) => r.status === 'RUNNING') ? 2000 : false) },
  );
  const evaluate = useGqlMutation(EVALUATE, () => {
    void message.success(t('evaluationDone'));
    void queryClient.invalidateQueries();
  });
  return (
    <section aria-labelledby="runs-title">
      <PageTitle id="runs-title">{t('menuEvaluations')}</PageTitle>
      <Button
        type="primary"
        style={{ marginBottom: 12 }}
        loading={evaluate.isPending}
        onClick={() => {
          evaluate.mutate({});
          // the run shows in the list while it goes
          setTimeout(() => void runs.refetch(), 500);
        }}
      >
        {t('evaluateNow')}
      </Button>
      {evaluate.error && <Failure error={evaluate.error} saving />}
      {runs.error && <Failure error={runs.error} retry={() => void runs.refetch()} />}
      <Table
        size="small"
        rowKey="id"
        loading={runs.isLoading}
        dataSource={runs.data?.data.evaluationRuns ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          { title: t('startedAt'), width: 140, render: (_, r) => when(r.startedAt) },
          { title: t('trigger'), width: 110, dataIndex: 'trigger' },
          { title: t('actor'), width: 150, dataIndex: 'actor' },
          { title: t('status'), width: 90, render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{r.status}</Tag> },
          {
            title: t('progress'),
            width: 220,
            render: (_, r) => (
              <Progress
                percent={r.totalRecords ? Math.min(100, Math.round((r.records / r.totalRecords) * 100)) : r.status === 'DONE' ? 100 : 0}
                status={r.status === 'FAILED' ? 'exception' : r.status === 'RUNNING' ? 'active' : 'normal'}
                size="small"
                aria-label={t('progress')}
              />
            ),
          },
          { title: t('persons'), width: 90, align: 'right', render: (_, r) => r.persons.toLocaleString() },
          {
            title: t('outcome'),
            render: (_, r) =>
              r.error ? (
                <Typography.Text type="danger">{r.error}</Typography.Text>
              ) : r.report ? (
                t('runOutcome', {
                  n: r.report.newLeads,
                  c: r.report.changed,
                  r: r.report.resolvedByData,
                  s: (r.report.durationMs / 1000).toFixed(1),
                })
              ) : (
                '—'
              ),
          },
        ]}
      />
    </section>
  );
}
