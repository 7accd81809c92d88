/** Small pieces every screen uses: its title (the landmark's name) and section headings. */
import { Typography } from 'antd';
import type { ReactNode } from 'react';

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
