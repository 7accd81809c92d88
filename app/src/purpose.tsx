/**
 * The purpose (办案用途) of the task at hand: a procurator gives it once per task, before reading
 * personal data; every request then carries it as X-Purpose and the audit trail records it. It is
 * shown in the header, where it can be changed when the task changes.
 */
import { Button, Form, Input, Modal, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n } from './i18n';
import { setPurpose, useSession } from './session';

const needsPurpose = (role: string | undefined) => role === 'PROCURATOR';

function PurposeForm({ onDone, onCancel }: { onDone: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<{ purpose: string }>();
  return (
    <Modal
      open
      title={t('purposeTitle')}
      okText={t('ok')}
      cancelText={t('cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      closable={!!onCancel}
      maskClosable={false}
      cancelButtonProps={{ style: onCancel ? undefined : { display: 'none' } }}
    >
      <Typography.Paragraph type="secondary">{t('purposeHint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ purpose: session?.purpose ?? '' }}
        onFinish={({ purpose }) => {
          setPurpose(purpose.trim());
          onDone();
        }}
      >
        <Form.Item
          name="purpose"
          label={t('purpose')}
          rules={[
            { required: true, whitespace: true, message: t('purposeRequired') },
            { min: 3, max: 200, message: t('purposeLength') },
          ]}
        >
          <Input autoFocus placeholder={t('purposePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Shows its children once a procurator has given the task's purpose. */
export function PurposeGate({ children }: { children: ReactNode }) {
  const session = useSession();
  if (needsPurpose(session?.claims.role) && !session?.purpose) return <PurposeForm onDone={() => undefined} />;
  return <>{children}</>;
}

export function PurposeTag() {
  const session = useSession();
  const { t } = useI18n();
  const [changing, setChanging] = useState(false);
  if (!needsPurpose(session?.claims.role)) return null;
  return (
    <>
      <Tag color="gold" data-testid="purpose">
        {t('purpose')}：{session?.purpose ?? t('purposeNone')}
      </Tag>
      <Button size="small" onClick={() => setChanging(true)}>
        {t('purposeChange')}
      </Button>
      {changing && <PurposeForm onDone={() => setChanging(false)} onCancel={() => setChanging(false)} />}
    </>
  );
}
