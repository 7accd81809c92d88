/**
 * The audit chain's integrity (审计链完整性): the latest verification with its outcome, and a button
 * that starts a new one; while it runs, its progress is read every second.
 */
import { Alert, Button, Card, Progress, Space } from 'antd';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { when } from '../labels';
import { Failure } from '../problems';

const VERIFICATIONS = graphql(`
  query WorkbenchAuditVerifications {
    auditVerifications(first: 1) {
      id
      status
      actor
      startedAt
      finishedAt
      checked
      total
      brokenAt
      reason
      error
    }
  }
`);

const VERIFY = graphql(`
  mutation WorkbenchVerifyAudit {
    verifyAuditChain {
      id
      status
    }
  }
`);

export function AuditVerification() {
  const { t } = useI18n();
  const latest = useGql(
    VERIFICATIONS,
    {},
    { refetchInterval: (q) => (q.state.data?.data.auditVerifications[0]?.status === 'RUNNING' ? 1000 : false), staleTime: 0 },
  );
  const verify = useGqlMutation(VERIFY, () => void queryClient.invalidateQueries({ queryKey: ['WorkbenchAuditVerifications'] }));
  const v = latest.data?.data.auditVerifications[0];
  const running = v?.status === 'RUNNING';
  return (
    <Card size="small" title={t('chainTitle')} style={{ marginBottom: 16 }} data-testid="chain">
      {latest.error && <Failure error={latest.error} retry={() => void latest.refetch()} />}
      {verify.error && <Failure error={verify.error} saving />}
      <Space direction="vertical" style={{ width: '100%' }}>
        {!v && !latest.isLoading && <Alert type="info" showIcon title={t('chainNever')} />}
        {v?.status === 'RUNNING' && (
          <>
            <Alert
              type="info"
              showIcon
              title={t('chainRunning', { checked: v.checked.toLocaleString(), total: v.total.toLocaleString() })}
            />
            <Progress
              percent={v.total ? Math.min(99, Math.floor((v.checked / v.total) * 100)) : 0}
              status="active"
              aria-label={t('progress')}
            />
          </>
        )}
        {v?.status === 'HOLDS' && (
          <Alert type="success" showIcon title={t('chainHolds', { checked: v.checked.toLocaleString(), at: when(v.finishedAt) })} />
        )}
        {v?.status === 'BROKEN' && (
          <Alert type="error" showIcon title={t('chainBroken', { seq: v.brokenAt ?? '?', reason: v.reason ?? '' })} />
        )}
        {v?.status === 'FAILED' && <Alert type="warning" showIcon title={t('chainFailed', { error: v.error ?? '' })} />}
        <Button type="primary" loading={verify.isPending || running} onClick={() => verify.mutate({})}>
          {t('verifyChain')}
        </Button>
      </Space>
    </Card>
  );
}
