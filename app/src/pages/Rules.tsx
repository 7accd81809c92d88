/**
 * Rule parameters (监督规则参数, administrators): each rule with its legal basis, the parameters in
 * force against the defaults, and every change with who and why. A change is a JSON object of the
 * parameters to change and a reason; the hub then re-evaluates every person (a full run follows).
 */
import { App, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { queryClient, useGql, useGqlMutation } from '../client';
import { graphql } from '../gql';
import type { WorkbenchRulesAdminQuery } from '../gql/graphql';
import { useI18n } from '../i18n';
import { label, SEVERITY_COLOR, when } from '../labels';
import { Failure } from '../problems';
import { PageTitle } from '../ui';

const RULES = graphql(`
  query WorkbenchRulesAdmin {
    supervisionRules {
      id
      title
      titleEn
      legalBasis
      severity
      description
      descriptionEn
      parameters
      defaults
      changes {
        at
        actor
        change
        note
      }
    }
  }
`);

const UPDATE = graphql(`
  mutation WorkbenchUpdateRule($id: ID!, $parameters: JSON!, $note: String!) {
    updateSupervisionRule(id: $id, parameters: $parameters, note: $note) {
      id
      parameters
    }
  }
`);

type Rule = WorkbenchRulesAdminQuery['supervisionRules'][number];
const json = (v: unknown) => JSON.stringify(v);

function RuleEditor({ rule, onClose }: { rule: Rule; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ parameters: string; note: string }>();
  const update = useGqlMutation(UPDATE, () => {
    void message.success(t('saved'));
    void queryClient.invalidateQueries();
    onClose();
  });
  return (
    <Modal
      open
      title={`${t('changeParameters')}: ${lang === 'zh' ? rule.title : rule.titleEn}`}
      okText={t('ok')}
      cancelText={t('cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={update.isPending}
      width={640}
    >
      <Typography.Paragraph type="secondary">{t('changeParametersHint')}</Typography.Paragraph>
      {update.error && <Failure error={update.error} saving />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ parameters: JSON.stringify(rule.parameters, null, 2), note: '' }}
        onFinish={({ parameters, note }) =>
          update.mutate({ id: rule.id, parameters: JSON.parse(parameters) as unknown, note: note.trim() })
        }
      >
        <Form.Item
          name="parameters"
          label={t('parameters')}
          rules={[
            {
              validator: async (_, v: string) => {
                const parsed: unknown = JSON.parse(v);
                if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
              },
              message: t('parametersInvalid'),
            },
          ]}
        >
          <Input.TextArea rows={8} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="note" label={t('changeReason')} rules={[{ required: true, whitespace: true, message: t('noteRequired') }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RulesPage() {
  const { t, lang } = useI18n();
  const rules = useGql(RULES, {});
  const [editing, setEditing] = useState<Rule | null>(null);
  if (rules.error) return <Failure error={rules.error} retry={() => void rules.refetch()} />;
  return (
    <section aria-labelledby="rules-title">
      <PageTitle id="rules-title">{t('menuRules')}</PageTitle>
      <Space direction="vertical" style={{ width: '100%' }}>
        {(rules.data?.data.supervisionRules ?? []).map((r) => {
          const changed = json(r.parameters) !== json(r.defaults);
          return (
            <Card
              key={r.id}
              size="small"
              title={
                <span>
                  <Tag color={SEVERITY_COLOR[r.severity]}>{label('Severity', r.severity, lang)}</Tag>
                  {lang === 'zh' ? r.title : r.titleEn} <Typography.Text type="secondary">{r.id}</Typography.Text>
                  {changed && (
                    <Tag style={{ marginLeft: 8 }} color="orange">
                      {t('parametersChanged')}
                    </Tag>
                  )}
                </span>
              }
              extra={<Button onClick={() => setEditing(r)}>{t('changeParameters')}</Button>}
            >
              <Typography.Paragraph>{lang === 'zh' ? r.description : r.descriptionEn}</Typography.Paragraph>
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('legalBasis')}>{r.legalBasis}</Descriptions.Item>
                <Descriptions.Item label={t('parameters')}>
                  <code style={{ overflowWrap: 'anywhere' }}>{json(r.parameters)}</code>
                </Descriptions.Item>
                {changed && (
                  <Descriptions.Item label={t('defaults')}>
                    <code style={{ overflowWrap: 'anywhere' }}>{json(r.defaults)}</code>
                  </Descriptions.Item>
                )}
              </Descriptions>
              {r.changes.length > 0 && (
                <Table
                  size="small"
                  style={{ marginTop: 8 }}
                  pagination={false}
                  rowKey={(c) => `${c.at}-${c.actor}`}
                  dataSource={[...r.changes].reverse()}
                  columns={[
                    { title: t('eventAt'), width: 140, render: (_, c) => when(c.at) },
                    { title: t('actor'), width: 160, dataIndex: 'actor' },
                    { title: t('change'), render: (_, c) => <code style={{ overflowWrap: 'anywhere' }}>{json(c.change)}</code> },
                    { title: t('changeReason'), dataIndex: 'note' },
                  ]}
                />
              )}
            </Card>
          );
        })}
      </Space>
      {editing && <RuleEditor rule={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
