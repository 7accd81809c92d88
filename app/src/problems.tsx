/** How failures show: a source that is down is a banner naming it above the rest of the page; a refused request says why. */
import { Alert, Button } from 'antd';
import type { HubError, RequestError } from './client';
import { useI18n } from './i18n';

export function SourceBanner({ errors }: { errors: HubError[] | undefined }) {
  const { t } = useI18n();
  const missing = (errors ?? []).filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE');
  if (missing.length === 0) return null;
  // a source read by person only (a department's subgraph) is not down: it cannot be listed or counted
  const leftOut = missing.filter((e) => e.extensions?.reason === 'READ_BY_PERSON_ONLY');
  const down = missing.filter((e) => e.extensions?.reason !== 'READ_BY_PERSON_ONLY');
  const names = (list: HubError[]) =>
    [...new Set(list.map((e) => String(e.extensions?.sourceName ?? e.extensions?.sourceId ?? '?')))].join('、');
  return (
    <>
      {down.length > 0 && (
        <Alert
          type="warning"
          showIcon
          banner
          role="alert"
          title={t('sourceDown', { names: names(down) })}
          description={down[0].message}
          style={{ marginBottom: 12 }}
        />
      )}
      {leftOut.length > 0 && (
        <Alert
          type="info"
          showIcon
          banner
          role="status"
          title={t('sourceByPerson', { names: names(leftOut) })}
          style={{ marginBottom: 12 }}
        />
      )}
    </>
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
