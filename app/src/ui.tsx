/** Small pieces every screen uses: its title (the landmark's name), section headings, filters, paging. */
import { Button, Form, Select, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n } from './i18n';
import { label } from './labels';

export function PageTitle({ id, children }: { id: string; children: ReactNode }) {
  return (
    <Typography.Title level={2} id={id} style={{ fontSize: 20 }}>
      {children}
    </Typography.Title>
  );
}

export function SectionTitle({ children }: { children: ReactNode }) {
  return (
    <Typography.Title level={3} style={{ fontSize: 16 }}>
      {children}
    </Typography.Title>
  );
}

/** Paging by cursor: the cursors of the pages before this one, so ‹ goes back and › on. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1],
    reset: () => setCursors([null]),
    Pager: ({ pageInfo, children }: { pageInfo?: { hasNextPage: boolean; endCursor?: string | null }; children?: ReactNode }) => (
      <CursorPager
        page={cursors.length}
        previous={cursors.length > 1 ? () => setCursors(cursors.slice(0, -1)) : undefined}
        next={pageInfo?.hasNextPage && pageInfo.endCursor ? () => setCursors([...cursors, pageInfo.endCursor!]) : undefined}
      >
        {children}
      </CursorPager>
    ),
  };
}

function CursorPager({ page, previous, next, children }: { page: number; previous?: () => void; next?: () => void; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <Space style={{ marginTop: 12 }}>
      {children}
      <Button aria-label={t('previous')} disabled={!previous} onClick={previous}>
        ‹
      </Button>
      <Typography.Text>{page}</Typography.Text>
      <Button aria-label={t('next')} disabled={!next} onClick={next}>
        ›
      </Button>
    </Space>
  );
}

/** A list's filters in one line with 查询 after them; `onSearch` gets the form's values. */
export function FilterBar<T extends object>({
  initial,
  onSearch,
  children,
}: {
  initial?: T;
  onSearch: (values: T) => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Form<T> layout="inline" initialValues={initial} onFinish={onSearch} style={{ marginBottom: 12, rowGap: 8 }}>
      {children}
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** A filter on values of an enum, several at once, each named as labels.ts names it. */
export function EnumFilter({
  name,
  title,
  type,
  values,
  width = 160,
}: {
  name: string;
  title: string;
  type: string;
  values: readonly string[];
  width?: number;
}) {
  const { lang } = useI18n();
  return (
    <Form.Item name={name} label={title}>
      <Select
        mode="multiple"
        allowClear
        style={{ minWidth: width }}
        aria-label={title}
        options={values.map((v) => ({ value: v, label: label(type, v, lang) }))}
      />
    </Form.Item>
  );
}
