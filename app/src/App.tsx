/**
 * The workbench's frame: language and theme, who is signed in, the purpose of the task, the menu of
 * the signed-in role, and the routes (deep links to a person and a lead).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ComponentType } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Space, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { queryClient } from './client';
import { I18nProvider, useI18n, type TextKey } from './i18n';
import { PurposeGate, PurposeTag } from './purpose';
import { signOut, useSession, type Role } from './session';
import { SignInPage } from './pages/SignIn';
import { CallbackPage } from './pages/Callback';
import { isOidcCallback } from './oidc';

/**
 * Every screen after sign-in loads when first opened, not with the first page (the sign-in page is
 * usable sooner; the charts' ECharts comes only with the pages that draw them).
 */
const screen = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => {
  const Lazy = lazy(() => load().then((m) => ({ default: m[name] as ComponentType })));
  return function Screen() {
    return (
      <Suspense fallback={<Typography.Text>…</Typography.Text>}>
        <Lazy />
      </Suspense>
    );
  };
};
const LeadsPage = screen(() => import('./pages/Leads'), 'LeadsPage');
const LeadPage = screen(() => import('./pages/Lead'), 'LeadPage');
const DocumentsPage = screen(() => import('./pages/Documents'), 'DocumentsPage');
const IssueDocumentPage = screen(() => import('./pages/Documents'), 'IssueDocumentPage');
const DocumentPage = screen(() => import('./pages/Document'), 'DocumentPage');
const ConsultationsPage = screen(() => import('./pages/Consultations'), 'ConsultationsPage');
const ConsultationPage = screen(() => import('./pages/Consultations'), 'ConsultationPage');
const PersonSearchPage = screen(() => import('./pages/Person'), 'PersonSearchPage');
const PersonPage = screen(() => import('./pages/Person'), 'PersonPage');
const SourcesPage = screen(() => import('./pages/Sources'), 'SourcesPage');
const SourcePage = screen(() => import('./pages/Sources'), 'SourcePage');
const AuditPage = screen(() => import('./pages/Audit'), 'AuditPage');
const RulesPage = screen(() => import('./pages/Rules'), 'RulesPage');
const EvaluationsPage = screen(() => import('./pages/Evaluations'), 'EvaluationsPage');
const StatisticsPage = screen(() => import('./pages/Statistics'), 'StatisticsPage');
const QualityPage = screen(() => import('./pages/Quality'), 'QualityPage');

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
              <Route path="/quality" element={<QualityPage />} />
              <Route path="/statistics" element={<StatisticsPage />} />
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
