/** The records a lead or a document rests on: domain, the department's id, district, when, source. */
import { Table } from 'antd';
import { useI18n } from '../i18n';
import { label, when } from '../labels';

export interface RecordRow {
  id: string;
  domain: string;
  externalId: string;
  eventAt: string;
  region: { name: string };
  source: { name: string };
}

export function RecordsTable({ records }: { records: readonly RecordRow[] }) {
  const { t, lang } = useI18n();
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="id"
      dataSource={records as RecordRow[]}
      style={{ marginBottom: 16 }}
      columns={[
        { title: t('domain'), render: (_, r) => label('Domain', r.domain, lang), width: 140 },
        { title: t('externalId'), dataIndex: 'externalId' },
        { title: t('region'), render: (_, r) => r.region.name },
        { title: t('eventAt'), render: (_, r) => when(r.eventAt) },
        { title: t('source'), render: (_, r) => r.source.name },
      ]}
    />
  );
}
