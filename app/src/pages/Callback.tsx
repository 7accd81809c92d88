/** /app/callback: the identity provider sends people back here with a code; it becomes their session. */
import { Alert, Button, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useHubConfig } from '../hub-config';
import { useI18n } from '../i18n';
import { completeOidcSignIn } from '../oidc';

export function CallbackPage() {
  const { t } = useI18n();
  const config = useHubConfig();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    const oidc = config.data?.oidc;
    if (!oidc || started.current) return;
    // once: the code can be exchanged only once (StrictMode runs effects twice in development)
    started.current = true;
    completeOidcSignIn(oidc)
      .then(() => navigate('/', { replace: true }))
      .catch((e: Error) => setError(e.message));
  }, [config.data, navigate]);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '100vh' }}>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={`${t('signInFailed')}: ${error}`}
          action={<Button onClick={() => void navigate('/', { replace: true })}>{t('signIn')}</Button>}
        />
      ) : (
        <Spin tip={t('signingIn')}>
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      )}
    </main>
  );
}
