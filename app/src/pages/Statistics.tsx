/**
 * The statistics builder (统计分析): a domain, one or two dimensions and filters make one `statistics`
 * query; its buckets show as a chart and a table, and the CSV export sends the same query and
 * variables to /export, so the file holds exactly the rows shown.
 */
import { Button, DatePicker, Form, Input, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useGql } from '../client';
import { Chart, type ChartOption } from '../components/Chart';
import { ExportButton } from '../components/ExportButton';
import { graphql } from '../gql';
import type { Domain, StatDimension, StatFilter, WorkbenchStatisticsQuery } from '../gql/graphql';
import { useI18n, type Lang } from '../i18n';
import { label } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { PageTitle } from '../ui';

const STATISTICS = graphql(`
  query WorkbenchStatistics($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {
    statistics(domain: $domain, groupBy: $groupBy, filter: $filter) {
      keys {
        dimension
        value
        label
      }
      count
      amount
    }
  }
`);

const DOMAINS: Domain[] = ['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'];
const DIMENSIONS: StatDimension[] = ['REGION', 'MONTH', 'YEAR', 'STATUS', 'CATEGORY', 'FACILITY', 'SOURCE'];
const DIMENSION_NAMES: Record<StatDimension, [string, string]> = {
  REGION: ['辖区', 'Region'],
  MONTH: ['月份', 'Month'],
  YEAR: ['年份', 'Year'],
  STATUS: ['状态', 'Status'],
  CATEGORY: ['类别', 'Category'],
  FACILITY: ['单位', 'Unit'],
  SOURCE: ['数据源', 'Source'],
};
const dimensionName = (d: StatDimension, lang: Lang) => DIMENSION_NAMES[d][lang === 'zh' ? 0 : 1];

interface Built {
  domain: Domain;
  groupBy: StatDimension[];
  filter: StatFilter;
}
interface FormValues {
  domain: Domain;
  first: StatDimension;
  second?: StatDimension | null;
  region?: string;
  period?: [Dayjs | null, Dayjs | null] | null;
}

type Bucket = WorkbenchStatisticsQuery['statistics'][number];

/** The chart of the buckets: bars along the first dimension, one series per value of the second. */
function chartOf(buckets: Bucket[], groupBy: StatDimension[], countName: string): ChartOption {
  const xs = [...new Map(buckets.map((b) => [b.keys[0].value, b.keys[0].label])).entries()];
  if (groupBy.length === 1)
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 24, bottom: 64 },
      xAxis: { type: 'category', data: xs.map(([, l]) => l), axisLabel: { rotate: xs.length > 12 ? 45 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: countName, data: buckets.map((b) => b.count) }],
    };
  const series = [...new Map(buckets.map((b) => [b.keys[1].value, b.keys[1].label])).entries()];
  const count = new Map(buckets.map((b) => [`${b.keys[0].value}|${b.keys[1].value}`, b.count]));
  const overTime = groupBy[1] === 'MONTH' || groupBy[1] === 'YEAR';
  // time on the second dimension reads better as lines, one per value of the first
  if (overTime)
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 64 },
      xAxis: { type: 'category', data: series.map(([, l]) => l) },
      yAxis: { type: 'value', minInterval: 1 },
      series: xs.map(([x, xl]) => ({ type: 'line', name: xl, data: series.map(([s]) => count.get(`${x}|${s}`) ?? 0) })),
    };
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: xs.map(([, l]) => l), axisLabel: { rotate: xs.length > 12 ? 45 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([s, sl]) => ({ type: 'bar', stack: 'all', name: sl, data: xs.map(([x]) => count.get(`${x}|${s}`) ?? 0) })),
  };
}

export function StatisticsPage() {
  const { t, lang } = useI18n();
  const [built, setBuilt] = useState<Built>({ domain: 'DETENTION', groupBy: ['REGION', 'MONTH'], filter: {} });
  const stats = useGql(STATISTICS, built);
  const buckets = useMemo(() => stats.data?.data.statistics ?? [], [stats.data]);
  const option = useMemo(() => chartOf(buckets, built.groupBy, t('count')), [buckets, built.groupBy, t]);
  const enforcement = built.domain === 'ENFORCEMENT_CASE';

  const onBuild = (v: FormValues) => {
    const filter: StatFilter = {};
    if (v.region?.trim()) filter.regions = [v.region.trim()];
    if (v.period?.[0]) filter.eventFrom = v.period[0].startOf('month').toISOString();
    if (v.period?.[1]) filter.eventTo = v.period[1].add(1, 'month').startOf('month').toISOString();
    setBuilt({ domain: v.domain, groupBy: v.second && v.second !== v.first ? [v.first, v.second] : [v.first], filter });
  };

  return (
    <section aria-labelledby="stats-title">
      <PageTitle id="stats-title">{t('menuStatistics')}</PageTitle>
      <Form<FormValues>
        layout="inline"
        initialValues={{ domain: 'DETENTION', first: 'REGION', second: 'MONTH' }}
        onFinish={onBuild}
        style={{ marginBottom: 12, rowGap: 8 }}
      >
        <Form.Item name="domain" label={t('domain')}>
          <Select
            style={{ width: 150 }}
            aria-label={t('domain')}
            options={DOMAINS.map((d) => ({ value: d, label: label('Domain', d, lang) }))}
          />
        </Form.Item>
        <Form.Item name="first" label={t('groupBy')}>
          <Select
            style={{ width: 110 }}
            aria-label={t('groupBy')}
            options={DIMENSIONS.map((d) => ({ value: d, label: dimensionName(d, lang) }))}
          />
        </Form.Item>
        <Form.Item name="second" label={t('thenBy')}>
          <Select
            allowClear
            style={{ width: 110 }}
            aria-label={t('thenBy')}
            options={DIMENSIONS.map((d) => ({ value: d, label: dimensionName(d, lang) }))}
          />
        </Form.Item>
        <Form.Item name="region" label={t('region')}>
          <Input style={{ width: 100 }} placeholder="500101" aria-label={t('region')} />
        </Form.Item>
        <Form.Item name="period" label={t('period')}>
          <DatePicker.RangePicker picker="month" allowEmpty={[true, true]} aria-label={t('period')} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('search')}
            </Button>
            <ExportButton
              operation={STATISTICS}
              variables={built}
              filename={`统计-${built.domain}-${built.groupBy.join('-')}.csv`}
              total={buckets.length}
              disabled={!buckets.length}
            />
          </Space>
        </Form.Item>
      </Form>
      {stats.error && <Failure error={stats.error} retry={() => void stats.refetch()} />}
      <SourceBanner errors={stats.data?.errors} />
      <Chart
        option={option}
        label={`${label('Domain', built.domain, lang)}: ${built.groupBy.map((d) => dimensionName(d, lang)).join(' × ')}`}
      />
      <Table
        size="small"
        loading={stats.isFetching}
        rowKey={(b) => b.keys.map((k) => k.value).join('|')}
        dataSource={buckets}
        pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => t('total', { n }) }}
        columns={[
          ...built.groupBy.map((d, i) => ({ title: dimensionName(d, lang), key: d, render: (_: unknown, b: Bucket) => b.keys[i].label })),
          { title: t('count'), key: 'count', align: 'right' as const, render: (_: unknown, b: Bucket) => b.count.toLocaleString() },
          ...(enforcement
            ? [
                {
                  title: t('amount'),
                  key: 'amount',
                  align: 'right' as const,
                  render: (_: unknown, b: Bucket) => b.amount?.toLocaleString() ?? '—',
                },
              ]
            : []),
        ]}
      />
    </section>
  );
}
