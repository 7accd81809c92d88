/**
 * Data quality (数据质量评查): departments ranked on accuracy, timeliness and completeness over a period,
 * with freshness, each share beside the counts behind it; a department's sources under it; and a
 * department's trend by month (the last six months, one query a month).
 */
import { useQueries } from '@tanstack/react-query';
import { DatePicker, Form, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { execute, useGql } from '../client';
import { Chart, type ChartOption } from '../components/Chart';
import { graphql } from '../gql';
import type { WorkbenchQualityQuery } from '../gql/graphql';
import { useI18n } from '../i18n';
import { Failure } from '../problems';
import { PageTitle, SectionTitle } from '../ui';

const QUALITY = graphql(`
  query WorkbenchQuality($from: Date, $to: Date, $departmentCode: String) {
    dataQuality(from: $from, to: $to, departmentCode: $departmentCode) {
      source {
        id
        name
      }
      department {
        code
        name
      }
      records
      rejected
      rank
      timeliness {
        ok
        total
        share
      }
      completeness {
        ok
        total
        share
      }
      accuracy {
        ok
        total
        share
      }
      medianLagDays
      freshnessDays
    }
  }
`);

type Report = WorkbenchQualityQuery['dataQuality'][number];
type Share = Report['accuracy'];

const fmtDay = (d: Dayjs) => d.format('YYYY-MM-DD');

/** 95.2%（1,234/1,296）: the share and the counts behind it. */
function ShareCell({ s }: { s: Share }) {
  if (s.total === 0) return <Typography.Text type="secondary">—（0/0）</Typography.Text>;
  const pct = (s.share * 100).toFixed(1);
  const color = s.share >= 0.95 ? 'green' : s.share >= 0.8 ? 'gold' : 'red';
  return (
    <span>
      <Tag color={color}>{pct}%</Tag>
      <Typography.Text type="secondary">
        {s.ok.toLocaleString()}/{s.total.toLocaleString()}
      </Typography.Text>
    </span>
  );
}

export function QualityPage() {
  const { t } = useI18n();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs().subtract(29, 'day'), dayjs()]);
  const [department, setDepartment] = useState<string | null>(null);
  const reports = useGql(QUALITY, { from: fmtDay(period[0]), to: fmtDay(period[1]) });
  const all = useMemo(() => reports.data?.data.dataQuality ?? [], [reports.data]);
  const departments = all.filter((r) => !r.source);
  const chosen = department ?? departments[0]?.department.code ?? null;

  // the trend: one query per month, the last six months, for the chosen department
  const months = useMemo(() => [5, 4, 3, 2, 1, 0].map((i) => dayjs().subtract(i, 'month')), []);
  const trend = useQueries({
    queries: months.map((m) => ({
      queryKey: ['WorkbenchQuality', 'trend', chosen, m.format('YYYY-MM')],
      enabled: !!chosen,
      queryFn: () =>
        execute(QUALITY, {
          from: fmtDay(m.startOf('month')),
          to: fmtDay(m.endOf('month').isAfter(dayjs()) ? dayjs() : m.endOf('month')),
          departmentCode: chosen,
        }),
    })),
  });
  const option = useMemo<ChartOption>(() => {
    const of = (i: number) => trend[i]?.data?.data.dataQuality.find((r) => !r.source);
    const series = (name: string, pick: (r: Report) => Share) => ({
      type: 'line',
      name,
      data: months.map((_, i) => {
        const r = of(i);
        return r && pick(r).total > 0 ? Number((pick(r).share * 100).toFixed(1)) : null;
      }),
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: months.map((m) => m.format('YYYY-MM')) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        series(t('accuracy'), (r) => r.accuracy),
        series(t('timeliness'), (r) => r.timeliness),
        series(t('completeness'), (r) => r.completeness),
      ],
    };
  }, [trend, months, t]);

  const columns = [
    { title: t('rank'), width: 60, render: (_: unknown, r: Report) => r.rank ?? '—' },
    { title: t('department'), render: (_: unknown, r: Report) => (r.source ? `└ ${r.source.name}` : r.department.name) },
    { title: t('recordCount'), width: 90, align: 'right' as const, render: (_: unknown, r: Report) => r.records.toLocaleString() },
    { title: t('rejectedCount'), width: 80, align: 'right' as const, render: (_: unknown, r: Report) => r.rejected.toLocaleString() },
    { title: t('accuracy'), width: 170, render: (_: unknown, r: Report) => <ShareCell s={r.accuracy} /> },
    { title: t('timeliness'), width: 170, render: (_: unknown, r: Report) => <ShareCell s={r.timeliness} /> },
    { title: t('completeness'), width: 170, render: (_: unknown, r: Report) => <ShareCell s={r.completeness} /> },
    {
      title: t('freshness'),
      width: 100,
      align: 'right' as const,
      render: (_: unknown, r: Report) => (r.freshnessDays == null ? '—' : `${r.freshnessDays} ${t('daysUnit')}`),
    },
  ];

  return (
    <section aria-labelledby="quality-title">
      <PageTitle id="quality-title">{t('menuQuality')}</PageTitle>
      <Form layout="inline" style={{ marginBottom: 12 }}>
        <Form.Item label={t('period')}>
          <DatePicker.RangePicker
            value={period}
            allowClear={false}
            aria-label={t('period')}
            onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
          />
        </Form.Item>
      </Form>
      {reports.error && <Failure error={reports.error} retry={() => void reports.refetch()} />}
      <Table
        size="small"
        loading={reports.isFetching}
        rowKey={(r) => `${r.department.code}|${r.source?.id ?? ''}`}
        dataSource={all}
        pagination={false}
        scroll={{ x: 1100 }}
        rowClassName={(r) => (r.source ? '' : 'quality-department')}
        columns={columns}
      />
      <Space style={{ marginTop: 24, marginBottom: 8 }} wrap>
        <SectionTitle>{t('trend')}</SectionTitle>
        <Select
          style={{ width: 280 }}
          aria-label={t('department')}
          value={chosen ?? undefined}
          onChange={setDepartment}
          options={departments.map((d) => ({ value: d.department.code, label: d.department.name }))}
        />
      </Space>
      <Chart
        option={option}
        label={`${t('trend')}: ${departments.find((d) => d.department.code === chosen)?.department.name ?? ''}`}
        height={300}
      />
    </section>
  );
}
