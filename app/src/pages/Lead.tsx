/**
 * One lead (/app/leads/:id): the finding with its numbers and legal basis, the person and records it
 * rests on, its history, and the procurator's decisions (acknowledge, resolve, dismiss, with a note).
 */
import { App, Button, Descriptions, Form, Input, Modal, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import type { LeadStatus } from '../gql/graphql';
import { RecordsTable } from '../components/RecordsTable';
import { useI18n } from '../i18n';
import { label, numberRows, SEVERITY_COLOR, STATUS_COLOR, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { PageTitle, SectionTitle } from '../ui';
import { useSession } from '../session';

const LEAD = graphql(`
  query WorkbenchLead($id: ID!) {
    supervisionLead(id: $id) {
      id
      severity
      status
      detectedAt
      updatedAt
      explanation
      explanationEn
      numbers
      resolvedByData
      rule {
        id
        title
        titleEn
        legalBasis
      }
      person {
        idNumber
        name
      }
      region {
        code
        name
      }
      records {
        id
        domain
        externalId
        eventAt
        region {
          name
        }
        source {
          name
        }
      }
      history {
        at
        actor
        status
        note
      }
    }
  }
`);

const MOVE = graphql(`
  mutation WorkbenchMoveLead($id: ID!, $status: LeadStatus!, $note: String!) {
    updateLeadStatus(id: $id, status: $status, note: $note) {
      id
      status
    }
  }
`);

/** The decisions the workflow allows from each status (docs/domain.md: NEW → ACKNOWLEDGED → RESOLVED | DISMISSED). */
const NEXT: Record<LeadStatus, LeadStatus[]> = {
  NEW: ['ACKNOWLEDGED', 'DISMISSED'],
  ACKNOWLEDGED: ['RESOLVED', 'DISMISSED'],
  RESOLVED: [],
  DISMISSED: [],
};
const ACTION = { ACKNOWLEDGED: 'acknowledge', RESOLVED: 'resolve', DISMISSED: 'dismiss', NEW: 'acknowledge' } as const;

export function LeadPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const session = useSession();
  const { message } = App.useApp();
  const lead = useGql(LEAD, { id });
  const [deciding, setDeciding] = useState<LeadStatus | null>(null);
  const [form] = Form.useForm<{ note: string }>();
  const move = useGqlMutation(MOVE, () => {
    void message.success(t('saved'));
    setDeciding(null);
    form.resetFields();
    void queryClient.invalidateQueries();
  });

  if (lead.error) return <Failure error={lead.error} retry={() => void lead.refetch()} />;
  if (lead.isLoading) return <Typography.Text>…</Typography.Text>;
  const l = lead.data?.data.supervisionLead;
  if (!l) return <Typography.Title level={3}>{t('leadNotFound')}</Typography.Title>;
  const canDecide = session?.claims.role === 'PROCURATOR';

  return (
    <section aria-labelledby="lead-title">
      <SourceBanner errors={lead.data?.errors} />
      <Space style={{ marginBottom: 8 }}>
        <Link to="/leads">‹ {t('backToLeads')}</Link>
      </Space>
      <PageTitle id="lead-title">
        <Tag color={SEVERITY_COLOR[l.severity]}>{label('Severity', l.severity, lang)}</Tag>
        {lang === 'zh' ? l.rule.title : l.rule.titleEn}
        <Tag color={STATUS_COLOR[l.status]} style={{ marginLeft: 8 }} data-testid="lead-status">
          {label('LeadStatus', l.status, lang)}
        </Tag>
      </PageTitle>
      <Typography.Paragraph style={{ fontSize: 16 }}>{lang === 'zh' ? l.explanation : l.explanationEn}</Typography.Paragraph>
      {canDecide && NEXT[l.status].length > 0 && (
        <Space style={{ marginBottom: 16 }}>
          {NEXT[l.status].map((s) => (
            <Button key={s} type={s === 'ACKNOWLEDGED' || s === 'RESOLVED' ? 'primary' : 'default'} onClick={() => setDeciding(s)}>
              {t(ACTION[s])}
            </Button>
          ))}
        </Space>
      )}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('person')}>
          <Link to={`/persons/${l.person.idNumber}`}>
            {l.person.name} {l.person.idNumber}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('region')}>{l.region.name}</Descriptions.Item>
        <Descriptions.Item label={t('detectedAt')}>{when(l.detectedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('legalBasis')}>{l.rule.legalBasis}</Descriptions.Item>
      </Descriptions>
      <SectionTitle>{t('numbers')}</SectionTitle>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={numberRows(l.numbers, lang)}
        columns={[{ dataIndex: 'name', width: 220 }, { dataIndex: 'value' }]}
        showHeader={false}
        style={{ marginBottom: 16, maxWidth: 720 }}
      />
      <SectionTitle>{t('records')}</SectionTitle>
      <RecordsTable records={l.records} />
      <SectionTitle>{t('history')}</SectionTitle>
      <Timeline
        items={l.history.map((h) => ({
          key: `${h.at}-${h.status}`,
          content: (
            <span>
              {when(h.at)} · {label('LeadStatus', h.status, lang)} · {h.actor} — {h.note}
            </span>
          ),
        }))}
      />
      {deciding && (
        <Modal
          open
          title={`${t(ACTION[deciding])}: ${lang === 'zh' ? l.rule.title : l.rule.titleEn}`}
          okText={t('ok')}
          cancelText={t('cancel')}
          confirmLoading={move.isPending}
          onOk={() => form.submit()}
          onCancel={() => setDeciding(null)}
        >
          {move.error && <Failure error={move.error} saving />}
          <Form form={form} layout="vertical" onFinish={({ note }) => move.mutate({ id: l.id, status: deciding, note: note.trim() })}>
            <Form.Item
              name="note"
              label={t('note')}
              rules={[{ required: true, whitespace: true, message: t('noteRequired') }, { max: 2000 }]}
            >
              <Input.TextArea rows={3} autoFocus />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </section>
  );
}
