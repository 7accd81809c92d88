/**
 * 导出 CSV: exports what the screen shows (its operation and variables, every page of a list) with the
 * rows counted as they arrive against the total the screen knows, and a cancel. The hub's refusal or
 * an export it could not finish is said as such; a warning (a source down) is said beside the result.
 */
import { App, Button, Modal, Progress, Typography } from 'antd';
import { useRef, useState } from 'react';
import { exportCsv } from '../download';
import { useI18n } from '../i18n';

interface Props {
  operation: { toString(): string };
  variables: unknown;
  filename: string;
  /** the columns in the order and under the names people read (default: the operation's, by path) */
  columns?: { path: string; title: string }[];
  /** how many rows the export will hold, when the screen knows (a list's totalCount) */
  total?: number;
  disabled?: boolean;
}

export function ExportButton({ operation, variables, filename, columns, total, disabled }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [rows, setRows] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);

  const run = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setRows(0);
    try {
      const done = await exportCsv(operation, variables, filename, { columns, onProgress: setRows, signal: controller.signal });
      void message.success(t('exported', { n: done.rows }));
      for (const w of done.warnings) void message.warning(w);
    } catch (e) {
      if (!controller.signal.aborted) void message.error(`${t('exportFailed')}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      abort.current = null;
      setRows(null);
    }
  };

  return (
    <>
      <Button onClick={() => void run()} loading={rows !== null} disabled={disabled}>
        {t('exportCsv')}
      </Button>
      {rows !== null && (
        <Modal
          open
          title={t('exporting')}
          closable={false}
          maskClosable={false}
          okButtonProps={{ style: { display: 'none' } }}
          cancelText={t('cancel')}
          onCancel={() => abort.current?.abort()}
        >
          {total ? <Progress percent={Math.min(100, Math.floor((rows / total) * 100))} aria-label={t('exporting')} /> : null}
          <Typography.Text data-testid="export-progress">
            {total ? t('exportedOf', { n: rows, total }) : t('exported', { n: rows })}
          </Typography.Text>
        </Modal>
      )}
    </>
  );
}
