/**
 * The workbench's frame: language and theme, who is signed in, the purpose of the task, the menu of
 * the signed-in role, and the routes (deep links to a person and a lead).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Space, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { queryClient } from './client';
import { I18nProvider, useI18n, type TextKey } from './i18n';
import { LeadPage } from './pages/Lead';
import { LeadsPage } from './pages/Leads';
import { PersonPage, PersonSearchPage } from './pages/Person';
import { SourcePage, SourcesPage } from './pages/Sources';
import { AuditPage } from './pages/Audit';
import { RulesPage } from './pages/Rules';
import { EvaluationsPage } from './pages/Evaluations';
import { DocumentsPage, IssueDocumentPage } from './pages/Documents';
import { DocumentPage } from './pages/Document';
import { ConsultationPage, ConsultationsPage } from './pages/Consultations';
import { PurposeGate, PurposeTag } from './purpose';
import { signOut, useSession, type Role } from './session';
import { SignInPage } from './pages/SignIn';
import { CallbackPage } from './pages/Callback';
import { isOidcCallback } from './oidc';

// the charts (ECharts) load with the pages that draw them, not with the first page
const StatisticsPage = lazy(() => import('./pages/Statistics').then((m) => ({ default: m.StatisticsPage })));
const QualityPage = lazy(() => import('./pages/Quality').then((m) => ({ default: m.QualityPage })));

/** The menu of each role: [path, text]; the first is the role's home. */
const MENUS: Record<Role, [string, TextKey][]> = {
  PROCURATOR: [
    ['/leads', 'menuLeads'],
    ['/documents', 'menuDocuments'],
    ['/consultations', 'menuConsultations'],
    ['/persons', 'menuPerson'],
    ['/statistics', 'menuStatistics'],
  ],
  ANALYST: [
    ['/statistics', 'menuStatistics'],
    ['/quality', 'menuQuality'],
    ['/leads', 'menuLeads'],
    ['/persons', 'menuPerson'],
  ],
  DEPARTMENT: [
    ['/sources', 'menuSources'],
    ['/documents', 'menuDocuments'],
    ['/consultations', 'menuConsultations'],
  ],
  ADMIN: [
    ['/audit', 'menuAudit'],
    ['/sources', 'menuSources'],
    ['/rules', 'menuRules'],
    ['/evaluations', 'menuEvaluations'],
    ['/quality', 'menuQuality'],
    ['/leads', 'menuLeads'],
    ['/documents', 'menuDocuments'],
    ['/statistics', 'menuStatistics'],
  ],
};

function Frame() {
  const session = useSession();
  const { t, lang, setLang } = useI18n();
  const location = useLocation();
  if (isOidcCallback(location.pathname)) return <CallbackPage />;
  if (!session) return <SignInPage />;
  const menu = MENUS[session.claims.role] ?? [];
  const home = menu[0]?.[0] ?? '/';
  const selected = menu.find(([path]) => location.pathname.startsWith(path))?.[0];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, paddingInline: 16 }}>
        <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {t('appName')}
        </Typography.Text>
        <nav aria-label={t('appName')} style={{ flex: 1, minWidth: 0 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            selectedKeys={selected ? [selected] : []}
            items={menu.map(([path, key]) => ({ key: path, label: <Link to={path}>{t(key)}</Link> }))}
          />
        </nav>
        <Space size="small">
          <PurposeTag />
          <Tag color="blue">
            {t(session.claims.role)} · {session.claims.regions.join(',')}
          </Tag>
          <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </Button>
          <Button size="small" onClick={signOut}>
            {t('signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        <main>
          <PurposeGate>
            <Routes>
              <Route path="/" element={<Navigate to={home} replace />} />
              <Route path="/leads" element={<LeadsPage />} />
              <Route path="/leads/:id" element={<LeadPage />} />
              <Route path="/documents" element={<DocumentsPage />} />
              <Route path="/documents/new" element={<IssueDocumentPage />} />
              <Route path="/documents/:id" element={<DocumentPage />} />
              <Route path="/consultations" element={<ConsultationsPage />} />
              <Route path="/consultations/:id" element={<ConsultationPage />} />
              <Route path="/persons" element={<PersonSearchPage />} />
              <Route path="/sources" element={<SourcesPage />} />
              <Route path="/audit" element={<AuditPage />} />
              <Route path="/rules" element={<RulesPage />} />
              <Route path="/evaluations" element={<EvaluationsPage />} />
              <Route path="/sources/:id" element={<SourcePage />} />
              <Route path="/persons/:idNumber" element={<PersonPage />} />
              <Route
                path="/quality"
                element={
                  <Suspense fallback={<Typography.Text>…</Typography.Text>}>
                    <QualityPage />
                  </Suspense>
                }
              />
              <Route
                path="/statistics"
                element={
                  <Suspense fallback={<Typography.Text>…</Typography.Text>}>
                    <StatisticsPage />
                  </Suspense>
                }
              />
              <Route path="*" element={<Typography.Title level={3}>{t('pageNotFound')}</Typography.Title>} />
            </Routes>
          </PurposeGate>
        </main>
      </Layout.Content>
    </Layout>
  );
}

function Localised() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#a8071a', borderRadius: 4 } }}>
      <AntApp>
        <BrowserRouter basename="/app">
          <Frame />
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Localised />
      </I18nProvider>
    </QueryClientProvider>
  );
}
