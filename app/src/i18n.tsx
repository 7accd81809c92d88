/**
 * Chinese first, English switchable: every text of the screens is here, as [中文, English]. The
 * hub's own texts (explanations, rule titles) come in both languages from the API.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

const TEXTS = {
  appName: ['检察监督工作台', 'Supervision workbench'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  signInTitle: ['登录检察监督工作台', 'Sign in to the supervision workbench'],
  devSignInHint: [
    '开发环境：选择角色和辖区，使用开发令牌登录。',
    'Development: pick a role and a region to sign in with a development token.',
  ],
  oidcSignInHint: ['使用本单位统一身份认证登录。', "Sign in with your organisation's identity provider."],
  noSignIn: ['本枢纽未配置登录方式，请联系管理员。', 'This hub has no sign-in configured: ask its administrators.'],
  role: ['角色', 'Role'],
  region: ['辖区', 'Region'],
  PROCURATOR: ['检察官', 'Procurator'],
  ANALYST: ['分析人员', 'Analyst'],
  DEPARTMENT: ['部门人员', 'Department'],
  ADMIN: ['管理员', 'Administrator'],
  purpose: ['办案用途', 'Purpose'],
  purposeNone: ['未填写', 'not given'],
  purposeChange: ['更换', 'Change'],
  purposeTitle: ['请填写本次工作的办案用途', 'The purpose of this task'],
  purposeHint: [
    '查阅个人信息须说明用途（如案号），审计日志将记录该用途。',
    'Reading personal data needs a purpose (e.g. a case reference); the audit trail records it.',
  ],
  purposeLength: ['办案用途须为3至200个字符（与审计要求一致）', 'A purpose is 3 to 200 characters (as the audit requires)'],
  purposeRequired: ['请填写办案用途', 'Please give a purpose'],
  purposePlaceholder: ['如：渝检刑诉〔2026〕1号', 'e.g. 渝检刑诉〔2026〕1号'],
  ok: ['确定', 'OK'],
  cancel: ['取消', 'Cancel'],
  language: ['English', '中文'],
  menuLeads: ['监督线索', 'Leads'],
  menuPerson: ['人员查询', 'Find a person'],
  leadsTitle: ['监督线索', 'Supervision leads'],
  rule: ['规则', 'Rule'],
  severity: ['严重程度', 'Severity'],
  status: ['状态', 'Status'],
  detectedAt: ['发现时间', 'Detected'],
  detectedRange: ['发现日期', 'Detected between'],
  person: ['当事人', 'Person'],
  idNumber: ['公民身份号码', 'ID number'],
  name: ['姓名', 'Name'],
  explanation: ['线索说明', 'Finding'],
  total: ['共 {n} 条', '{n} in all'],
  open: ['查看', 'Open'],
  acknowledge: ['受理', 'Acknowledge'],
  dismiss: ['不予处理', 'Dismiss'],
  resolve: ['已处理', 'Resolve'],
  note: ['处理说明', 'Note'],
  noteRequired: ['请填写处理说明', 'Please write a note'],
  history: ['处理记录', 'History'],
  numbers: ['计算依据', 'The numbers'],
  legalBasis: ['法律依据', 'Legal basis'],
  records: ['相关记录', 'Records'],
  dossier: ['一人一档', 'Dossier'],
  timeline: ['时间线', 'Timeline'],
  personLeads: ['该人员的监督线索', "The person's leads"],
  noPerson: ['没有该人员的记录', 'No source has a record of this person'],
  search: ['查询', 'Search'],
  idNumberInvalid: ['请输入18位公民身份号码', 'Enter an 18-character ID number'],
  saved: ['已保存', 'Saved'],
  sourceDown: ['数据源暂不可用：{names}。其余数据照常显示。', 'A source is unavailable: {names}. The rest is shown.'],
  loadFailed: ['加载失败', 'Could not load'],
  retry: ['重试', 'Retry'],
  all: ['全部', 'All'],
  more: ['加载更多', 'More'],
  gender: ['性别', 'Gender'],
  birthDate: ['出生日期', 'Born'],
  household: ['户籍地', 'Household region'],
  DETENTION: ['羁押', 'Custody'],
  PRISON: ['监狱', 'Prison'],
  CORRECTION: ['社区矫正', 'Community correction'],
  ENFORCEMENT: ['行政执法', 'Enforcement'],
  backToLeads: ['返回线索列表', 'Back to the leads'],
  leadNotFound: ['没有这条线索，或不在您的辖区内', 'No such lead, or not in your jurisdiction'],
  pageNotFound: ['页面不存在', 'No such page'],
  home: ['首页', 'Home'],
  domain: ['领域', 'Domain'],
  externalId: ['部门记录编号', "Department's record id"],
  source: ['数据源', 'Source'],
  eventAt: ['发生时间', 'When'],
  previous: ['上一页', 'Previous page'],
  next: ['下一页', 'Next page'],
  menuStatistics: ['统计分析', 'Statistics'],
  groupBy: ['分组', 'Group by'],
  thenBy: ['再按', 'Then by'],
  period: ['期间', 'Period'],
  count: ['数量', 'Count'],
  amount: ['涉案金额（元）', 'Amount (yuan)'],
  exportCsv: ['导出 CSV', 'Export CSV'],
  menuSources: ['数据源', 'Data sources'],
  sourceName: ['数据源名称', 'Source'],
  department: ['单位', 'Department'],
  kind: ['接入方式', 'Kind'],
  active: ['启用', 'Active'],
  suspended: ['停用', 'Suspended'],
  health: ['运行状况', 'Health'],
  healthy: ['正常', 'Healthy'],
  unhealthy: ['异常', 'Failing'],
  lastSuccess: ['最近成功', 'Last success'],
  lastError: ['最近错误', 'Last error'],
  lastRecord: ['最近数据', 'Last record'],
  failuresInRow: ['连续失败', 'Failures in a row'],
  dropped: ['丢弃记录', 'Dropped'],
  sourceNotFound: ['没有该数据源，或不属于您的单位', 'No such source, or not your department’s'],
  rotateKey: ['更换接入密钥', 'Rotate the API key'],
  rotateKeyWarning: [
    '旧密钥将立即失效，部门系统须改用新密钥后才能继续推送。',
    'The old key stops working at once: the department system must use the new key to push again.',
  ],
  newKey: ['新的接入密钥', 'The new API key'],
  newKeyOnce: ['密钥只显示这一次，请立即复制并妥善保存。', 'The key is shown this once: copy it now and keep it safe.'],
  keySaved: ['已保存', 'I have saved it'],
  rejections: ['退回的记录', 'Records refused'],
  noRejections: ['没有被退回的记录', 'No record was refused'],
  receivedAt: ['接收时间', 'Received'],
  line: ['行号', 'Line'],
  reasons: ['退回原因', 'Reasons'],
  menuAudit: ['审计日志', 'Audit log'],
  menuRules: ['规则参数', 'Rule parameters'],
  menuEvaluations: ['线索评估', 'Evaluations'],
  auditEntries: ['审计记录', 'Entries'],
  actor: ['操作人', 'Caller'],
  operation: ['操作', 'Operation'],
  clientAddress: ['来源地址', 'Address'],
  verifyChain: ['校验审计链', 'Verify the chain'],
  chainTitle: ['审计链完整性', 'Integrity of the chain'],
  chainNever: ['尚未校验', 'Not verified yet'],
  chainRunning: ['正在校验：已检查 {checked} / {total} 条', 'Verifying: {checked} of {total} entries checked'],
  chainHolds: ['审计链完整：{checked} 条记录均未被篡改（{at} 校验）', 'The chain holds: {checked} entries, none altered (verified {at})'],
  chainBroken: ['审计链断裂：第 {seq} 条 — {reason}', 'The chain is BROKEN at entry {seq}: {reason}'],
  chainFailed: ['校验未能完成：{error}', 'The verification did not finish: {error}'],
  parameters: ['参数', 'Parameters'],
  defaults: ['默认参数', 'Defaults'],
  parametersChanged: ['已调整', 'changed'],
  changeParameters: ['调整参数', 'Change parameters'],
  changeParametersHint: [
    '填写要调整的参数（JSON 对象，嵌套对象合并）。保存后枢纽将对全部人员重新评估。',
    'The parameters to change (a JSON object; nested objects are merged). The hub then evaluates every person again.',
  ],
  parametersInvalid: ['参数须为 JSON 对象', 'Parameters must be a JSON object'],
  changeReason: ['调整理由', 'Reason'],
  change: ['调整内容', 'Change'],
  evaluateNow: ['立即全面评估', 'Evaluate everyone now'],
  evaluationDone: ['评估完成', 'Evaluation done'],
  startedAt: ['开始时间', 'Started'],
  trigger: ['触发方式', 'Trigger'],
  progress: ['进度', 'Progress'],
  persons: ['人数', 'Persons'],
  outcome: ['结果', 'Outcome'],
  runOutcome: ['新线索 {n}，变更 {c}，数据消除 {r}，用时 {s} 秒', '{n} new, {c} changed, {r} resolved by the data, {s} s'],
  signInFailed: ['登录失败', 'Signing in failed'],
  signingIn: ['正在登录…', 'Signing in…'],
  suspend: ['停用', 'Suspend'],
  activate: ['启用', 'Activate'],
  suspendReason: ['停用原因', 'Why'],
  suspendHint: [
    '停用后枢纽不再查询该数据源，其已存数据不再显示，推送将被拒绝；随时可以重新启用。',
    'Suspended, the source is no longer queried, its stored records are hidden and its pushes refused; it can be activated again at any time.',
  ],
  menuQuality: ['数据质量', 'Data quality'],
  rank: ['排名', 'Rank'],
  recordCount: ['记录数', 'Records'],
  rejectedCount: ['退回数', 'Refused'],
  accuracy: ['准确性', 'Accuracy'],
  timeliness: ['及时性', 'Timeliness'],
  completeness: ['完整性', 'Completeness'],
  freshness: ['新鲜度', 'Freshness'],
  daysUnit: ['天', 'd'],
  trend: ['按月趋势', 'Trend by month'],
  notForRole: ['您的角色不使用此页面', 'This page is not for your role'],
} as const satisfies Record<string, readonly [string, string]>;

export type TextKey = keyof typeof TEXTS;

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: TextKey, vars?: Record<string, string | number>) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('hub.lang') === 'en' ? 'en' : 'zh'));
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (l) => {
        localStorage.setItem('hub.lang', l);
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
        setLangState(l);
      },
      t: (key, vars) => {
        let text: string = TEXTS[key][lang === 'zh' ? 0 : 1];
        for (const [k, v] of Object.entries(vars ?? {})) text = text.replace(`{${k}}`, String(v));
        return text;
      },
    }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
