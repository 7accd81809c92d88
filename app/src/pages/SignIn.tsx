/**
 * Signing in: in development, a role and a region give a development token (POST /app/dev-session);
 * with an identity provider configured, OpenID Connect (authorization code with PKCE, oidc-client-ts).
 */
import { Alert, Button, Card, Form, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useHubConfig } from '../hub-config';
import { useI18n } from '../i18n';
import { startOidcSignIn } from '../oidc';
import { signIn, type Role } from '../session';

export function SignInPage() {
  const { t, lang, setLang } = useI18n();
  const config = useHubConfig();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const devSignIn = async ({ role, region }: { role: Role; region: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/app/dev-session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role, region }),
      });
      const body = (await res.json()) as { token?: string; error?: string };
      if (!res.ok || !body.token) throw new Error(body.error ?? `the hub answered ${res.status}`);
      signIn(body.token, 'development');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '100vh', background: '#f5f5f5' }}>
      <Card style={{ width: 420 }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {t('signInTitle')}
          </Typography.Title>
          <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </Button>
        </Space>
        {config.error && <Alert type="error" showIcon style={{ marginTop: 16 }} title={`${t('loadFailed')}: ${config.error.message}`} />}
        {error && <Alert type="error" showIcon style={{ marginTop: 16 }} title={error} />}
        {config.data?.signIn === 'development' && (
          <>
            <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
              {t('devSignInHint')}
            </Typography.Paragraph>
            <Form
              layout="vertical"
              initialValues={{ role: 'PROCURATOR', region: '50' }}
              onFinish={(v: { role: Role; region: string }) => void devSignIn(v)}
            >
              <Form.Item name="role" label={t('role')}>
                <Select options={(config.data.roles as Role[]).map((r) => ({ value: r, label: t(r) }))} aria-label={t('role')} />
              </Form.Item>
              <Form.Item name="region" label={t('region')}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={config.data.regions.map((r) => ({ value: r.code, label: `${r.name} ${r.code}` }))}
                  aria-label={t('region')}
                />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                {t('signIn')}
              </Button>
            </Form>
          </>
        )}
        {config.data?.signIn === 'oidc' && (
          <>
            <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
              {t('oidcSignInHint')}
            </Typography.Paragraph>
            <Button type="primary" block onClick={() => void startOidcSignIn(config.data!.oidc!).catch((e: Error) => setError(e.message))}>
              {t('signIn')}
            </Button>
          </>
        )}
        {config.data?.signIn === 'none' && <Alert type="warning" showIcon style={{ marginTop: 16 }} title={t('noSignIn')} />}
      </Card>
    </main>
  );
}
