/**
 * Two-way consultations (双向咨询) between a procuratorate office and a department about a case: the
 * list of the caller's unit (open first by filter), opening one (a procurator names the department, a
 * department the office), and one consultation (/app/consultations/:id): the question, the thread, a
 * reply, and closing it with the settlement note.
 */
import { App, Button, Descriptions, Form, Input, List, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import type { ConsultationStatus, ConsultationTopic } from '../gql/graphql';
import { useI18n, type TextKey } from '../i18n';
import { label, when } from '../labels';
import { Failure } from '../problems';
import { useSession } from '../session';
import { PageTitle, SectionTitle, useCursorPages } from '../ui';

const CONSULTATIONS = graphql(`
  query WorkbenchConsultations($filter: ConsultationFilter, $first: Int, $after: String) {
    consultations(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
          topic
          subject
          openedAt
          openedBy
          office {
            name
          }
          department {
            name
          }
          case {
            caseNumber
          }
        }
      }
    }
  }
`);

const CONSULTATION = graphql(`
  query WorkbenchConsultation($id: ID!) {
    consultation(id: $id) {
      id
      status
      topic
      subject
      question
      openedAt
      openedBy
      closedAt
      settlement
      office {
        code
        name
      }
      department {
        code
        name
      }
      case {
        domain
        caseNumber
      }
      messages {
        seq
        at
        side
        author
        org
        text
        attachments {
          sha256
        }
      }
    }
  }
`);

const OPEN = graphql(`
  mutation WorkbenchOpenConsultation($input: OpenConsultationInput!) {
    openConsultation(input: $input) {
      id
    }
  }
`);

const POST = graphql(`
  mutation WorkbenchPostConsultationMessage($id: ID!, $text: String!) {
    postConsultationMessage(id: $id, text: $text) {
      id
      status
    }
  }
`);

const CLOSE = graphql(`
  mutation WorkbenchCloseConsultation($id: ID!, $settlement: String!) {
    closeConsultation(id: $id, settlement: $settlement) {
      id
      status
    }
  }
`);

const PAGE = 20;
const TOPICS: ConsultationTopic[] = ['CASE_TRANSFER', 'EVIDENCE', 'LEGAL_APPLICATION', 'PROCEDURE', 'OTHER'];
const STATUSES: ConsultationStatus[] = ['OPEN', 'CLOSED'];

interface Opening {
  code: string;
  name: string;
  topic: ConsultationTopic;
  subject: string;
  question: string;
  caseNumber?: string;
}

export function ConsultationsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const session = useSession();
  const asking = session?.claims.role === 'PROCURATOR' || session?.claims.role === 'DEPARTMENT';
  const [statuses, setStatuses] = useState<ConsultationStatus[]>(['OPEN']);
  const [opening, setOpening] = useState(false);
  const [form] = Form.useForm<Opening>();
  const pages = useCursorPages();
  const list = useGql(CONSULTATIONS, { filter: statuses.length ? { statuses } : {}, first: PAGE, after: pages.after });
  const open = useGqlMutation(OPEN, (a) => void navigate(`/consultations/${a.data.openConsultation.id}`));
  const page = list.data?.data.consultations;
  // a procurator asks a department, a department asks a procuratorate office
  const other: [TextKey, TextKey] =
    session?.claims.role === 'DEPARTMENT' ? ['officeCode', 'officeName'] : ['addresseeCode', 'addresseeName'];
  const required = (key: TextKey) => [{ required: true, whitespace: true, message: t('fieldRequired', { field: t(key) }) }];

  return (
    <section aria-labelledby="consultations-title">
      <PageTitle id="consultations-title">{t('consultationsTitle')}</PageTitle>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 200 }}
          aria-label={t('status')}
          placeholder={t('status')}
          value={statuses}
          onChange={(v) => {
            setStatuses(v);
            pages.reset();
          }}
          options={STATUSES.map((s) => ({ value: s, label: label('ConsultationStatus', s, lang) }))}
        />
        {asking && (
          <Button type="primary" onClick={() => setOpening(true)}>
            {t('openConsultation')}
          </Button>
        )}
      </Space>
      {list.error && <Failure error={list.error} retry={() => void list.refetch()} />}
      <Table
        rowKey={(e) => e.node.id}
        size="small"
        loading={list.isFetching}
        dataSource={page?.edges ?? []}
        pagination={false}
        columns={[
          { title: t('subject'), render: (_, { node }) => <Link to={`/consultations/${node.id}`}>{node.subject}</Link> },
          { title: t('topic'), width: 130, render: (_, { node }) => label('ConsultationTopic', node.topic, lang) },
          { title: t('procuratorate'), width: 200, render: (_, { node }) => node.office.name },
          { title: t('consultedDepartment'), width: 200, render: (_, { node }) => node.department.name },
          { title: t('caseNumber'), width: 160, render: (_, { node }) => node.case?.caseNumber ?? '—' },
          {
            title: t('status'),
            width: 90,
            render: (_, { node }) => (
              <Tag color={node.status === 'OPEN' ? 'blue' : 'green'}>{label('ConsultationStatus', node.status, lang)}</Tag>
            ),
          },
          { title: t('openedAt'), width: 140, render: (_, { node }) => when(node.openedAt) },
        ]}
      />
      <pages.Pager pageInfo={page?.pageInfo}>
        <Typography.Text>{t('total', { n: page?.totalCount ?? 0 })}</Typography.Text>
      </pages.Pager>
      {opening && (
        <Modal
          open
          width={640}
          title={t('openConsultation')}
          okText={t('ok')}
          cancelText={t('cancel')}
          confirmLoading={open.isPending}
          onOk={() => form.submit()}
          onCancel={() => setOpening(false)}
        >
          {open.error && <Failure error={open.error} saving />}
          <Form
            form={form}
            layout="vertical"
            initialValues={{ topic: 'CASE_TRANSFER' }}
            onFinish={(v) => {
              const party = { code: v.code.trim(), name: v.name.trim() };
              open.mutate({
                input: {
                  ...(session?.claims.role === 'DEPARTMENT' ? { office: party } : { department: party }),
                  topic: v.topic,
                  subject: v.subject.trim(),
                  question: v.question.trim(),
                  case: v.caseNumber?.trim() ? { caseNumber: v.caseNumber.trim() } : undefined,
                },
              });
            }}
          >
            <Space wrap align="start">
              <Form.Item name="code" label={t(other[0])} rules={required(other[0])}>
                <Input style={{ width: 180 }} placeholder={session?.claims.role === 'DEPARTMENT' ? 'JCY-500101' : 'SCJG-500101'} />
              </Form.Item>
              <Form.Item name="name" label={t(other[1])} rules={required(other[1])}>
                <Input style={{ width: 320 }} />
              </Form.Item>
            </Space>
            <Space wrap align="start">
              <Form.Item name="topic" label={t('topic')} rules={[{ required: true }]}>
                <Select style={{ width: 200 }} options={TOPICS.map((k) => ({ value: k, label: label('ConsultationTopic', k, lang) }))} />
              </Form.Item>
              <Form.Item name="caseNumber" label={t('caseNumber')} rules={[{ max: 64 }]}>
                <Input style={{ width: 280 }} />
              </Form.Item>
            </Space>
            <Form.Item name="subject" label={t('subject')} rules={[...required('subject'), { max: 200 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="question" label={t('question')} rules={[...required('question'), { max: 5000 }]}>
              <Input.TextArea rows={5} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </section>
  );
}

export function ConsultationPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const c = useGql(CONSULTATION, { id });
  const [reply] = Form.useForm<{ text: string }>();
  const [closing, setClosing] = useState(false);
  const [closeForm] = Form.useForm<{ settlement: string }>();
  const done = () => {
    void message.success(t('saved'));
    void queryClient.invalidateQueries();
  };
  const post = useGqlMutation(POST, () => {
    reply.resetFields();
    done();
  });
  const close = useGqlMutation(CLOSE, () => {
    setClosing(false);
    done();
  });

  if (c.error) return <Failure error={c.error} retry={() => void c.refetch()} />;
  if (c.isLoading) return <Typography.Text>…</Typography.Text>;
  const k = c.data?.data.consultation;
  if (!k) return null;
  const party = session?.claims.role === 'PROCURATOR' || session?.claims.role === 'DEPARTMENT';
  const open = k.status === 'OPEN';

  return (
    <section aria-labelledby="consultation-title">
      <Space style={{ marginBottom: 8 }}>
        <Link to="/consultations">‹ {t('backToConsultations')}</Link>
      </Space>
      <PageTitle id="consultation-title">
        {k.subject}
        <Tag color={open ? 'blue' : 'green'} style={{ marginLeft: 8 }} data-testid="consultation-status">
          {label('ConsultationStatus', k.status, lang)}
        </Tag>
      </PageTitle>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('procuratorate')}>{k.office.name}</Descriptions.Item>
        <Descriptions.Item label={t('consultedDepartment')}>{k.department.name}</Descriptions.Item>
        <Descriptions.Item label={t('topic')}>{label('ConsultationTopic', k.topic, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('caseNumber')}>{k.case?.caseNumber ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('openedAt')}>
          {when(k.openedAt)} · {label('ConsultationSide', k.openedBy, lang)}
        </Descriptions.Item>
        <Descriptions.Item label={t('closedAt')}>{when(k.closedAt)}</Descriptions.Item>
        {k.settlement && (
          <Descriptions.Item label={t('settlement')} span={2}>
            {k.settlement}
          </Descriptions.Item>
        )}
      </Descriptions>
      <SectionTitle>{t('question')}</SectionTitle>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{k.question}</Typography.Paragraph>
      <SectionTitle>{t('thread')}</SectionTitle>
      <List
        dataSource={k.messages}
        locale={{ emptyText: t('noMessages') }}
        renderItem={(m) => (
          <List.Item key={m.seq}>
            <List.Item.Meta
              title={`${label('ConsultationSide', m.side, lang)} · ${m.org} ${m.author} · ${when(m.at)}`}
              description={<span style={{ whiteSpace: 'pre-wrap', color: 'rgba(0,0,0,0.88)' }}>{m.text}</span>}
            />
            {m.attachments.length > 0 && <Typography.Text type="secondary">📎 {m.attachments.length}</Typography.Text>}
          </List.Item>
        )}
      />
      {party && open && (
        <>
          {post.error && <Failure error={post.error} saving />}
          <Form form={reply} layout="vertical" onFinish={(v) => post.mutate({ id: k.id, text: v.text.trim() })} style={{ maxWidth: 900 }}>
            <Form.Item
              name="text"
              label={t('reply')}
              rules={[{ required: true, whitespace: true, message: t('fieldRequired', { field: t('reply') }) }, { max: 5000 }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={post.isPending}>
                {t('send')}
              </Button>
              <Button onClick={() => setClosing(true)}>{t('closeConsultation')}</Button>
            </Space>
          </Form>
        </>
      )}
      {closing && (
        <Modal
          open
          title={t('closeConsultation')}
          okText={t('ok')}
          cancelText={t('cancel')}
          confirmLoading={close.isPending}
          onOk={() => closeForm.submit()}
          onCancel={() => setClosing(false)}
        >
          {close.error && <Failure error={close.error} saving />}
          <Form form={closeForm} layout="vertical" onFinish={(v) => close.mutate({ id: k.id, settlement: v.settlement.trim() })}>
            <Form.Item
              name="settlement"
              label={t('settlement')}
              rules={[{ required: true, whitespace: true, message: t('fieldRequired', { field: t('settlement') }) }, { max: 5000 }]}
            >
              <Input.TextArea rows={3} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </section>
  );
}
