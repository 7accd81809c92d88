/** How failures show: a source that is down is a banner naming it above the rest of the page; a refused request says why. */
import { Alert, Button } from 'antd';
import type { HubError, RequestError } from './client';
import { useI18n } from './i18n';

export function SourceBanner({ errors }: { errors: HubError[] | undefined }) {
  const { t } = useI18n();
  const down = (errors ?? []).filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE');
  if (down.length === 0) return null;
  const names = [...new Set(down.map((e) => String(e.extensions?.sourceName ?? e.extensions?.sourceId ?? '?')))].join('、');
  return (
    <Alert
      type="warning"
      showIcon
      banner
      role="alert"
      title={t('sourceDown', { names })}
      description={down[0].message}
      style={{ marginBottom: 12 }}
    />
  );
}

/** A request that failed: loading (with a retry), or saving (`saving`: the hub refused a step; what was typed stays in the form). */
export function Failure({ error, retry, saving }: { error: RequestError | Error; retry?: () => void; saving?: boolean }) {
  const { t } = useI18n();
  const code = (error as RequestError).code;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={`${t(saving ? 'saveFailed' : 'loadFailed')}${code ? ` (${code})` : ''}`}
      description={error.message}
      action={retry ? <Button onClick={retry}>{t('retry')}</Button> : undefined}
      style={{ marginBottom: 12 }}
    />
  );
}
