/**
 * One supervision document (/app/documents/:id, a deep link): its text, the leads and records it rests
 * on, the deadline, the report to the superior, the answers and objections, every step; and the steps
 * the caller's side may take now (docs/domain.md "Supervision documents"):
 * the department signs, reports, answers or objects; the procurator revises, upholds, withdraws,
 * accepts the answer, asks again or closes. Each step asks what the API asks, and says why it was refused.
 */
import { useMutation } from '@tanstack/react-query';
import {
  App,
  Button,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { execute, queryClient, useGql, type Answer, type RequestError } from '../client';
import { graphql } from '../gql';
import type { DocumentStatus, Rectification, WorkbenchDocumentQuery } from '../gql/graphql';
import { RecordsTable } from '../components/RecordsTable';
import { useI18n, type TextKey } from '../i18n';
import { DOCUMENT_STATUS_COLOR, STATUS_COLOR, day, label, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { useSession } from '../session';
import { PageTitle, SectionTitle } from '../ui';

const DOCUMENT = graphql(`
  query WorkbenchDocument($id: ID!) {
    supervisionDocument(id: $id) {
      id
      number
      kind
      status
      urgent
      replyWithinDays
      office
      issuedBy
      issuedAt
      region {
        code
        name
      }
      addressee {
        code
        name
      }
      facts
      legalBasis
      request
      revision
      receivedAt
      receivedBy
      dueDate
      daysLeft
      overdue
      report {
        required
        superior {
          code
          name
        }
        withinWorkingDays
        dueDate
        reportedAt
        reportedTo {
          code
          name
        }
        note
        late
      }
      answers {
        at
        actor
        org
        text
        measures
        rectification
        dueDate
        late
        attachments {
          sha256
        }
      }
      objections {
        at
        actor
        reasons
        revision
        decision
        decidedAt
        decisionNote
      }
      outcome
      closedAt
      leads {
        rule
        ruleTitle
        explanation
        lead {
          id
          status
          person {
            idNumber
            name
          }
        }
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
        role
        org
        action
        note
      }
    }
  }
`);

const SIGN = graphql(`
  mutation WorkbenchSignDocument($id: ID!, $note: String) {
    signDocumentReceipt(id: $id, note: $note) {
      id
      status
    }
  }
`);
const REPORT = graphql(`
  mutation WorkbenchReportDocument($id: ID!, $superior: DepartmentInput!, $note: String!) {
    reportDocumentToSuperior(id: $id, superior: $superior, note: $note) {
      id
      status
    }
  }
`);
const ANSWER = graphql(`
  mutation WorkbenchAnswerDocument($id: ID!, $input: DocumentAnswerInput!) {
    answerDocument(id: $id, input: $input) {
      id
      status
    }
  }
`);
const OBJECT = graphql(`
  mutation WorkbenchObjectToDocument($id: ID!, $reasons: String!) {
    objectToDocument(id: $id, reasons: $reasons) {
      id
      status
    }
  }
`);
const REVISE = graphql(`
  mutation WorkbenchReviseDocument($id: ID!, $input: ReviseDocumentInput!) {
    reviseDocument(id: $id, input: $input) {
      id
      status
    }
  }
`);
const UPHOLD = graphql(`
  mutation WorkbenchUpholdDocument($id: ID!, $reasons: String!) {
    upholdDocument(id: $id, reasons: $reasons) {
      id
      status
    }
  }
`);
const WITHDRAW = graphql(`
  mutation WorkbenchWithdrawDocument($id: ID!, $note: String!) {
    withdrawDocument(id: $id, note: $note) {
      id
      status
    }
  }
`);
const ACCEPT = graphql(`
  mutation WorkbenchAcceptDocumentAnswer($id: ID!, $outcome: Rectification!, $note: String!) {
    acceptDocumentAnswer(id: $id, outcome: $outcome, note: $note) {
      id
      status
    }
  }
`);
const ASK_AGAIN = graphql(`
  mutation WorkbenchAskDocumentAgain($id: ID!, $note: String!, $replyWithinDays: Int) {
    askDocumentAgain(id: $id, note: $note, replyWithinDays: $replyWithinDays) {
      id
      status
    }
  }
`);
const CLOSE = graphql(`
  mutation WorkbenchCloseDocument($id: ID!, $outcome: Rectification!, $note: String!) {
    closeDocument(id: $id, outcome: $outcome, note: $note) {
      id
      status
    }
  }
`);

type Doc = NonNullable<WorkbenchDocumentQuery['supervisionDocument']>;
type Values = Record<string, string | number | undefined>;

/** A field of a step's form: what the API asks for it. */
interface Field {
  name: string;
  label: TextKey;
  kind: 'line' | 'area' | 'outcome' | 'days';
  required?: boolean;
  initial?: (d: Doc) => string | undefined;
  hint?: TextKey;
}

/** A step one side may take from some statuses, with its form and its mutation. */
interface Step {
  key: string;
  label: TextKey;
  side: 'PROCURATOR' | 'DEPARTMENT';
  from: DocumentStatus[];
  primary?: boolean;
  danger?: boolean;
  /** whether it applies to this document beyond its status */
  when?: (d: Doc) => boolean;
  hint?: TextKey;
  fields: Field[];
  run: (id: string, v: Values, d: Doc) => Promise<Answer<unknown>>;
}

const trimmed = (v: string | number | undefined) => String(v ?? '').trim();
const OUTCOMES: Rectification[] = ['RECTIFIED', 'PARTLY_RECTIFIED', 'NOT_RECTIFIED'];

/** The steps of the workflow (the API's own rules decide; these only offer what would be allowed). */
const STEPS: Step[] = [
  {
    key: 'sign',
    label: 'signReceipt',
    side: 'DEPARTMENT',
    from: ['ISSUED'],
    primary: true,
    fields: [{ name: 'note', label: 'note', kind: 'line' }],
    run: (id, v) => execute(SIGN, { id, note: trimmed(v.note) || undefined }),
  },
  {
    key: 'answer',
    label: 'answer',
    side: 'DEPARTMENT',
    from: ['RECEIVED'],
    primary: true,
    fields: [
      { name: 'text', label: 'answerText', kind: 'area', required: true },
      { name: 'measures', label: 'measures', kind: 'area', required: true },
      { name: 'rectification', label: 'rectification', kind: 'outcome', required: true },
    ],
    run: (id, v) =>
      execute(ANSWER, {
        id,
        input: { text: trimmed(v.text), measures: trimmed(v.measures), rectification: v.rectification as Rectification },
      }),
  },
  {
    key: 'report',
    label: 'reportToSuperior',
    side: 'DEPARTMENT',
    from: ['RECEIVED', 'OBJECTED', 'ANSWERED', 'CLOSED'],
    when: (d) => d.report.required && !d.report.reportedAt,
    fields: [
      { name: 'code', label: 'superiorCode', kind: 'line', required: true, initial: (d) => d.report.superior?.code },
      { name: 'name', label: 'superiorName', kind: 'line', required: true, initial: (d) => d.report.superior?.name },
      { name: 'note', label: 'reportNote', kind: 'area', required: true },
    ],
    run: (id, v) => execute(REPORT, { id, superior: { code: trimmed(v.code), name: trimmed(v.name) }, note: trimmed(v.note) }),
  },
  {
    key: 'object',
    label: 'object',
    side: 'DEPARTMENT',
    from: ['RECEIVED'],
    danger: true,
    when: (d) => !d.objections.some((o) => o.revision === d.revision),
    fields: [{ name: 'reasons', label: 'objectionReasons', kind: 'area', required: true }],
    run: (id, v) => execute(OBJECT, { id, reasons: trimmed(v.reasons) }),
  },
  {
    key: 'accept',
    label: 'accept',
    side: 'PROCURATOR',
    from: ['ANSWERED'],
    primary: true,
    fields: [
      { name: 'outcome', label: 'outcomeField', kind: 'outcome', required: true },
      { name: 'note', label: 'note', kind: 'area', required: true },
    ],
    run: (id, v) => execute(ACCEPT, { id, outcome: v.outcome as Rectification, note: trimmed(v.note) }),
  },
  {
    key: 'askAgain',
    label: 'askAgain',
    side: 'PROCURATOR',
    from: ['ANSWERED'],
    fields: [
      { name: 'note', label: 'note', kind: 'area', required: true },
      { name: 'days', label: 'replyWithinDays', kind: 'days' },
    ],
    run: (id, v) => execute(ASK_AGAIN, { id, note: trimmed(v.note), replyWithinDays: v.days == null ? undefined : Number(v.days) }),
  },
  {
    key: 'revise',
    label: 'revise',
    side: 'PROCURATOR',
    from: ['OBJECTED'],
    primary: true,
    hint: 'reviseHint',
    fields: [
      { name: 'facts', label: 'facts', kind: 'area', initial: (d) => d.facts },
      { name: 'legalBasis', label: 'legalBasis', kind: 'area', initial: (d) => d.legalBasis },
      { name: 'request', label: 'requestText', kind: 'area', initial: (d) => d.request },
      { name: 'note', label: 'reason', kind: 'area', required: true },
    ],
    run: (id, v, d) => {
      // only the parts that change go to the hub (it keeps the rest)
      const changed = (k: 'facts' | 'legalBasis' | 'request') => (trimmed(v[k]) && trimmed(v[k]) !== d[k] ? trimmed(v[k]) : undefined);
      return execute(REVISE, {
        id,
        input: { facts: changed('facts'), legalBasis: changed('legalBasis'), request: changed('request'), note: trimmed(v.note) },
      });
    },
  },
  {
    key: 'uphold',
    label: 'uphold',
    side: 'PROCURATOR',
    from: ['OBJECTED'],
    fields: [{ name: 'reasons', label: 'reason', kind: 'area', required: true }],
    run: (id, v) => execute(UPHOLD, { id, reasons: trimmed(v.reasons) }),
  },
  {
    key: 'close',
    label: 'closeDocument',
    side: 'PROCURATOR',
    from: ['ISSUED', 'RECEIVED', 'ANSWERED'],
    fields: [
      { name: 'outcome', label: 'outcomeField', kind: 'outcome', required: true },
      { name: 'note', label: 'reason', kind: 'area', required: true },
    ],
    run: (id, v) => execute(CLOSE, { id, outcome: v.outcome as Rectification, note: trimmed(v.note) }),
  },
  {
    key: 'withdraw',
    label: 'withdraw',
    side: 'PROCURATOR',
    from: ['ISSUED', 'RECEIVED', 'OBJECTED', 'ANSWERED'],
    danger: true,
    fields: [{ name: 'note', label: 'reason', kind: 'area', required: true }],
    run: (id, v) => execute(WITHDRAW, { id, note: trimmed(v.note) }),
  },
];

/** The answer's deadline as people read it: the day, and the days left or past. */
export function DueDate({
  dueDate,
  daysLeft,
  overdue,
  status,
}: {
  dueDate?: string | null;
  daysLeft?: number | null;
  overdue: boolean;
  status: DocumentStatus;
}) {
  const { t } = useI18n();
  if (!dueDate) return <span>—</span>;
  // the days count only while the answer is owed
  if (status !== 'RECEIVED') return <span>{day(dueDate)}</span>;
  return (
    <span>
      {day(dueDate)}{' '}
      {overdue ? (
        <Tag color="red">{t('overdueN', { n: Math.abs(daysLeft ?? 0) })}</Tag>
      ) : daysLeft != null ? (
        <Typography.Text type="secondary">{t('daysLeftN', { n: daysLeft })}</Typography.Text>
      ) : null}
    </span>
  );
}

export function DocumentPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const session = useSession();
  const doc = useGql(DOCUMENT, { id });
  const [step, setStep] = useState<Step | null>(null);

  if (doc.error) return <Failure error={doc.error} retry={() => void doc.refetch()} />;
  if (doc.isLoading) return <Typography.Text>…</Typography.Text>;
  const d = doc.data?.data.supervisionDocument;
  if (!d) return <Typography.Title level={3}>{t('documentNotFound')}</Typography.Title>;
  const role = session?.claims.role;
  const steps = STEPS.filter((s) => s.side === role && s.from.includes(d.status) && (s.when?.(d) ?? true));
  const report = d.report;
  const leadColumns: TableColumnsType<Doc['leads'][number]> = [
    {
      title: t('person'),
      width: 220,
      render: (_, l) =>
        l.lead ? <Link to={`/persons/${l.lead.person.idNumber}`}>{`${l.lead.person.name} ${l.lead.person.idNumber}`}</Link> : '—',
    },
    {
      title: t('status'),
      width: 90,
      render: (_, l) => (l.lead ? <Tag color={STATUS_COLOR[l.lead.status]}>{label('LeadStatus', l.lead.status, lang)}</Tag> : '—'),
    },
  ];

  return (
    <section aria-labelledby="document-title">
      <SourceBanner errors={doc.data?.errors} />
      <Space style={{ marginBottom: 8 }}>
        <Link to="/documents">‹ {t('backToDocuments')}</Link>
      </Space>
      <PageTitle id="document-title">
        {label('DocumentKind', d.kind, lang)} {d.number}
        <Tag color={DOCUMENT_STATUS_COLOR[d.status]} style={{ marginLeft: 8 }} data-testid="document-status">
          {label('DocumentStatus', d.status, lang)}
        </Tag>
        {d.urgent && <Tag color="red">{t('urgent')}</Tag>}
      </PageTitle>
      {steps.length > 0 && (
        <Space style={{ marginBottom: 16 }} wrap>
          {steps.map((s) => (
            <Button key={s.key} type={s.primary ? 'primary' : 'default'} danger={s.danger} onClick={() => setStep(s)}>
              {t(s.label)}
            </Button>
          ))}
        </Space>
      )}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('addressee')}>
          {d.addressee.name} <Typography.Text type="secondary">{d.addressee.code}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('office')}>{d.office}</Descriptions.Item>
        <Descriptions.Item label={t('region')}>{d.region.name}</Descriptions.Item>
        <Descriptions.Item label={t('issuedAt')}>
          {when(d.issuedAt)} · {d.issuedBy}
        </Descriptions.Item>
        <Descriptions.Item label={t('receivedAt')}>
          {d.receivedAt ? `${when(d.receivedAt)} · ${d.receivedBy ?? ''}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('dueDate')}>
          <DueDate dueDate={d.dueDate} daysLeft={d.daysLeft} overdue={d.overdue} status={d.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('report')} span={2}>
          {!report.required
            ? t('reportNotRequired')
            : report.reportedAt
              ? `${t('reportedAt', { at: when(report.reportedAt), to: report.reportedTo?.name ?? '' })}${report.late ? ` (${t('late')})` : ''}`
              : `${t('reportRequired', { n: report.withinWorkingDays ?? '', superior: report.superior?.name ?? '' })}${report.dueDate ? ` · ${day(report.dueDate)}` : ''}`}
        </Descriptions.Item>
        {d.outcome && (
          <Descriptions.Item label={t('outcomeField')} span={2}>
            {label('Rectification', d.outcome, lang)} · {when(d.closedAt)}
          </Descriptions.Item>
        )}
      </Descriptions>

      <SectionTitle>
        {t('facts')} <Typography.Text type="secondary">{t('revisionN', { n: d.revision })}</Typography.Text>
      </SectionTitle>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{d.facts}</Typography.Paragraph>
      <SectionTitle>{t('legalBasis')}</SectionTitle>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{d.legalBasis}</Typography.Paragraph>
      <SectionTitle>{t('requestText')}</SectionTitle>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{d.request}</Typography.Paragraph>

      {d.answers.length > 0 && (
        <>
          <SectionTitle>{t('answers')}</SectionTitle>
          {d.answers.map((a) => (
            <Descriptions
              key={a.at}
              bordered
              size="small"
              column={1}
              style={{ marginBottom: 12 }}
              title={`${when(a.at)} · ${a.actor} · ${a.org}`}
            >
              <Descriptions.Item label={t('answerText')}>
                <span style={{ whiteSpace: 'pre-wrap' }}>{a.text}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('measures')}>
                <span style={{ whiteSpace: 'pre-wrap' }}>{a.measures}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('rectification')}>
                {label('Rectification', a.rectification, lang)} {a.late && <Tag color="red">{t('late')}</Tag>}
                {a.attachments.length > 0 && <Typography.Text type="secondary"> · 📎 {a.attachments.length}</Typography.Text>}
              </Descriptions.Item>
            </Descriptions>
          ))}
        </>
      )}

      {d.objections.length > 0 && (
        <>
          <SectionTitle>{t('objections')}</SectionTitle>
          <Table
            size="small"
            pagination={false}
            rowKey="at"
            dataSource={d.objections}
            style={{ marginBottom: 16 }}
            columns={[
              { title: t('eventAt'), width: 150, render: (_, o) => when(o.at) },
              { title: t('objectionReasons'), dataIndex: 'reasons' },
              {
                title: t('decision'),
                width: 260,
                render: (_, o) =>
                  o.decision ? (
                    `${label('ObjectionDecision', o.decision, lang)} · ${o.decisionNote ?? ''}`
                  ) : (
                    <Tag color="red">{t('pending')}</Tag>
                  ),
              },
            ]}
          />
        </>
      )}

      <SectionTitle>{t('documentLeads')}</SectionTitle>
      <Table
        size="small"
        pagination={false}
        rowKey={(l, i) => l.lead?.id ?? `${l.rule}-${i}`}
        dataSource={d.leads}
        style={{ marginBottom: 16 }}
        columns={[
          { title: t('rule'), width: 140, dataIndex: 'ruleTitle' },
          {
            title: t('explanation'),
            render: (_, l) => (l.lead ? <Link to={`/leads/${l.lead.id}`}>{l.explanation}</Link> : (l.explanation ?? '—')),
          },
          // a department sees the finding, not the lead itself
          ...(d.leads.some((l) => l.lead) ? leadColumns : []),
        ]}
      />
      <SectionTitle>{t('records')}</SectionTitle>
      <RecordsTable records={d.records} />
      <SectionTitle>{t('history')}</SectionTitle>
      <Timeline
        items={d.history.map((h) => ({
          key: `${h.at}-${h.action}`,
          content: (
            <span>
              {when(h.at)} · <strong>{label('DocumentAction', h.action, lang)}</strong> · {h.org} {h.actor} — {h.note}
            </span>
          ),
        }))}
      />
      {step && <StepModal step={step} doc={d} onClose={() => setStep(null)} />}
    </section>
  );
}

/** A step's form in a dialog; the hub's refusal (the field and why) is shown in it, nothing is lost. */
function StepModal({ step, doc, onClose }: { step: Step; doc: Doc; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const run = useMutation<Answer<unknown>, RequestError, Values>({
    mutationFn: (v) => step.run(doc.id, v, doc),
    onSuccess: () => {
      void message.success(t('saved'));
      void queryClient.invalidateQueries();
      onClose();
    },
  });
  const initial = Object.fromEntries(step.fields.map((f) => [f.name, f.initial?.(doc)]));
  const input = (f: Field): ReactNode => {
    switch (f.kind) {
      case 'area':
        return <Input.TextArea rows={f.initial ? 4 : 3} />;
      case 'outcome':
        return <Select options={OUTCOMES.map((o) => ({ value: o, label: label('Rectification', o, lang) }))} />;
      case 'days':
        return <InputNumber min={1} max={366} style={{ width: 140 }} />;
      default:
        return <Input />;
    }
  };
  return (
    <Modal
      open
      width={640}
      title={`${t(step.label)}: ${doc.number}`}
      okText={t('ok')}
      cancelText={t('cancel')}
      confirmLoading={run.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      {step.hint && <Typography.Paragraph type="secondary">{t(step.hint)}</Typography.Paragraph>}
      {run.error && <Failure error={run.error} saving />}
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => run.mutate(v)}>
        {step.fields.map((f) => (
          <Form.Item
            key={f.name}
            name={f.name}
            label={t(f.label)}
            rules={
              f.required ? [{ required: true, whitespace: f.kind !== 'outcome', message: t('fieldRequired', { field: t(f.label) }) }] : []
            }
          >
            {input(f)}
          </Form.Item>
        ))}
      </Form>
    </Modal>
  );
}
