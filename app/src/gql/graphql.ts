/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Which audit entries to list; all given conditions must hold. */
export type AuditFilter = {
  /** Only this caller (`sub` of the token). */
  actorSub?: string | null | undefined;
  /** Entries at or after this time. */
  from?: string | null | undefined;
  /** Only operations whose answer carried this person's data (matched by the HMAC of the ID number). */
  idNumber?: string | null | undefined;
  /** Only operations of this name. */
  operationName?: string | null | undefined;
  /** Entries before this time. */
  to?: string | null | undefined;
};

/** Where a verification of the audit chain stands (审计链校验). */
export type AuditVerificationStatus =
  /** An entry does not fit: `brokenAt` names the first, `reason` says how. */
  | 'BROKEN'
  /** The check did not finish (`error` says why, e.g. the hub process running it stopped). */
  | 'FAILED'
  /** Every entry fits: none was edited, removed or inserted, and every operation text matches its hash. */
  | 'HOLDS'
  /** Checking: `checked` of about `total` entries so far. */
  | 'RUNNING';

/** The case a consultation is about: a record of the hub (domain and id), a case number, or both. */
export type ConsultationCaseInput = {
  /** The case number (案号), at most 64 characters. */
  caseNumber?: string | null | undefined;
  /** The record's domain; ENFORCEMENT_CASE when a record id is given without it. */
  domain?: Domain | null | undefined;
  /** The hub's id of a record you may see (a procurator: in your jurisdiction; a department: held by your own source). */
  recordId?: string | number | null | undefined;
};

/** Which consultations to list; fields combine with AND, values in a list with OR. */
export type ConsultationFilter = {
  /** Department codes. */
  departmentCodes?: Array<string> | null | undefined;
  /** Procuratorate office codes. */
  officeCodes?: Array<string> | null | undefined;
  /** Opened at or after. */
  openedFrom?: string | null | undefined;
  /** Opened before. */
  openedTo?: string | null | undefined;
  /** Statuses. */
  statuses?: Array<ConsultationStatus> | null | undefined;
  /** Topics. */
  topics?: Array<ConsultationTopic> | null | undefined;
};

/** A unit named in a consultation: its code and name. */
export type ConsultationPartyInput = {
  /** The unit's code (letters, digits, _ . -; at most 32). */
  code: string;
  /** Its name (at most 100 characters). */
  name: string;
};

/** Which side a party is on. */
export type ConsultationSide =
  /** 行政执法机关等部门: the department (a DEPARTMENT caller's unit). */
  | 'DEPARTMENT'
  /** 检察机关: the procuratorate office (a PROCURATOR caller's unit). */
  | 'PROCURATORATE';

/** Where a two-way consultation (双向咨询) stands: OPEN → CLOSED. */
export type ConsultationStatus =
  /** 已办结: closed by one party with a settlement note (办结意见); it takes no more messages. */
  | 'CLOSED'
  /** 办理中: open; either party may add messages or close it. */
  | 'OPEN';

/** What a consultation is about. */
export type ConsultationTopic =
  /** 案件移送: whether an enforcement case must be transferred to the police as a suspected crime. */
  | 'CASE_TRANSFER'
  /** 证据收集与固定: collecting and securing evidence. */
  | 'EVIDENCE'
  /** 法律适用: how a provision applies to the case. */
  | 'LEGAL_APPLICATION'
  /** 其他: anything else. */
  | 'OTHER'
  /** 程序衔接: procedure between the administrative and the criminal side. */
  | 'PROCEDURE';

/** State of a community correction (矫正状态). */
export type CorrectionStatus =
  /** Absconded: lost to supervision (脱管). */
  | 'ABSCONDED'
  /** Under correction (在矫). */
  | 'ACTIVE'
  /** Probation or parole revoked and the subject committed to prison (撤销缓刑/假释, 收监). */
  | 'REVOKED'
  /** Correction ended (解除矫正). */
  | 'TERMINATED';

/** Kind of community-correction subject (社区矫正对象类别): why the person is supervised. */
export type CorrectionType =
  /** Control (管制): a non-custodial sentence restricting liberty. */
  | 'CONTROL'
  /** Serving a sentence outside prison (暂予监外执行), e.g. on medical grounds. */
  | 'OUTSIDE_EXECUTION'
  /** Parole (假释): conditional early release from prison. */
  | 'PAROLE'
  /** Probation (缓刑): a suspended prison sentence. */
  | 'PROBATION';

/** A department (委办局) registering a source. */
export type DepartmentInput = {
  /** The department's unit code, e.g. `KSS-500101`; letters, digits, `_ . -`. */
  code: string;
  /** Its name, e.g. 重庆市万州区看守所. */
  name: string;
};

/** Procedural stage of a custody (羁押阶段). */
export type DetentionStage =
  /** 审查逮捕: the procuratorate reviews the arrest request. */
  | 'ARREST_REVIEW'
  /** 判决生效待交付执行: sentenced, waiting for transfer to prison. */
  | 'AWAITING_TRANSFER'
  /** 刑事拘留: first custody by police, before an arrest request. */
  | 'CRIMINAL_DETENTION'
  /** 一审: first-instance trial. */
  | 'FIRST_INSTANCE'
  /** 侦查羁押: custody during investigation after arrest. */
  | 'INVESTIGATION'
  /** 审查起诉: the procuratorate reviews the case for prosecution. */
  | 'PROSECUTION_REVIEW'
  /** 二审: second-instance trial. */
  | 'SECOND_INSTANCE'
  /** 留所服刑: serving a short sentence in the detention centre. */
  | 'SERVING_IN_CENTRE';

/** One step of a document's workflow, as its history keeps it. */
export type DocumentAction =
  /** 采纳回复: the procurator accepted the answer with its outcome and closed the document. */
  | 'ACCEPT'
  /** 书面回复: the department answered. */
  | 'ANSWER'
  /** 要求重新回复: the procurator asked for a new answer by a new deadline. */
  | 'ASK_AGAIN'
  /** 办结: the procurator closed the document with an outcome. */
  | 'CLOSE'
  /** 制发: issued by the procurator. */
  | 'ISSUE'
  /** 提出异议: the department objected. */
  | 'OBJECT'
  /** 报告上级: the department reported the document to its superior. */
  | 'REPORT_TO_SUPERIOR'
  /** 修改: the procurator revised the text after an objection; the deadline restarted. */
  | 'REVISE'
  /** 签收: the department signed its receipt; the reply clock started. */
  | 'SIGN_RECEIPT'
  /** 维持: the procurator upheld the document against the objection, with reasons. */
  | 'UPHOLD'
  /** 撤回: the procurator withdrew the document. */
  | 'WITHDRAW';

/** A signal for the issuing office (提醒). */
export type DocumentAlertKind =
  /** 即将到期: the answer is due within the configured number of days (`dueSoonDays`). */
  | 'DUE_SOON'
  /** 异议待复查: an objection waits for the procurator's re-examination (within 7 days: 《人民检察院刑事诉讼规则》第五百五十四条). */
  | 'OBJECTION_PENDING'
  /** 逾期未回复: the answer is overdue. */
  | 'OVERDUE'
  /** 逾期未报告: the department has not reported the document to its superior within its rule's working days. */
  | 'REPORT_OVERDUE';

/** The department's written answer. */
export type DocumentAnswerInput = {
  /** Attachments by SHA-256, uploaded first with `POST /attachments` (at most 20). */
  attachments?: Array<string> | null | undefined;
  /** 整改措施: the measures taken (at most 10,000 characters). */
  measures: string;
  /** 整改情况. */
  rectification: Rectification;
  /** The answer (at most 10,000 characters). */
  text: string;
};

/** Which documents to list; fields combine with AND, values in a list with OR. */
export type DocumentFilter = {
  /** An addressee's code: the department and its units. */
  addressee?: string | null | undefined;
  /** Answer owed and due within this many days (0: today). */
  dueWithinDays?: number | null | undefined;
  /** Issued at or after. */
  issuedFrom?: string | null | undefined;
  /** Issued before. */
  issuedTo?: string | null | undefined;
  /** Kinds. */
  kind?: Array<DocumentKind> | null | undefined;
  /** true: answer owed and past its deadline; false: not so. */
  overdue?: boolean | null | undefined;
  /** Region-code prefixes (within your jurisdiction). */
  regions?: Array<string> | null | undefined;
  /** Workflow states. */
  status?: Array<DocumentStatus> | null | undefined;
};

/** Which supervision document (监督文书). */
export type DocumentKind =
  /** 纠正违法通知书: a correction notice; answered within the period it sets (default 15 days from receipt). */
  | 'CORRECTION_NOTICE'
  /** 检察建议: a procuratorial recommendation; answered in writing within two months of receipt (《人民检察院检察建议工作规定》2019 第十九条). */
  | 'RECOMMENDATION';

/** A record a document rests on, by its domain and id. */
export type DocumentRecordInput = {
  /** The record's domain. */
  domain: Domain;
  /** The record's id (`Record.id`). */
  id: string | number;
};

/**
 * Where a document is (docs/domain.md "Supervision documents"): ISSUED → RECEIVED → ANSWERED → CLOSED;
 * RECEIVED → OBJECTED → RECEIVED (revised or upheld) or WITHDRAWN.
 */
export type DocumentStatus =
  /** 待审查: answered; the procurator follows the answer up. */
  | 'ANSWERED'
  /** 已办结: closed with an outcome. */
  | 'CLOSED'
  /** 待签收: issued, the department has not signed its receipt. */
  | 'ISSUED'
  /** 异议待复查: the department objected; the procurator must revise, withdraw or uphold. */
  | 'OBJECTED'
  /** 待回复: received; the department owes its written answer by `dueDate`. */
  | 'RECEIVED'
  /** 已撤回: withdrawn by the procuratorate (final). */
  | 'WITHDRAWN';

/** The four kinds of department data the hub links. */
export type Domain =
  /** Community correction (社区矫正): probation, parole, control, serving outside prison. */
  | 'COMMUNITY_CORRECTION'
  /** Detention centres (看守所): custody before and during trial. */
  | 'DETENTION'
  /** Administrative enforcement cases (行政执法案件) on the two-law linkage platform (两法衔接). */
  | 'ENFORCEMENT_CASE'
  /** Prisons (监狱): sentences served. */
  | 'PRISON';

/** Field of an administrative enforcement case (案件类别). */
export type EnforcementCategory =
  /** Producing or selling counterfeit or shoddy goods (生产销售伪劣商品). */
  | 'COUNTERFEIT'
  /** Ecology and environment (生态环境). */
  | 'ENVIRONMENT'
  /** Food and drugs (食品药品). */
  | 'FOOD_DRUG'
  /** Labour and social security (劳动保障). */
  | 'LABOUR'
  /** Any other field (其他). */
  | 'OTHER'
  /** Work safety (安全生产). */
  | 'SAFETY'
  /** Tax (税务). */
  | 'TAX'
  /** Trademark infringement (商标侵权). */
  | 'TRADEMARK';

/** Where an enforcement case stands (案件状态). */
export type EnforcementStatus =
  /** Case closed (结案). */
  | 'CLOSED'
  /** Case filed (立案), no penalty or transfer yet. */
  | 'FILED'
  /** Administrative penalty decided (已作出行政处罚). */
  | 'PENALIZED'
  /** Transferred to the police as a suspected crime (已移送公安). */
  | 'TRANSFERRED';

/** Gender (性别), read from the ID number's sequence code: odd male, even female. */
export type Gender =
  /** Female (女). */
  | 'FEMALE'
  /** Male (男). */
  | 'MALE';

/** A document to issue (制发). */
export type IssueDocumentInput = {
  /** 主送单位: the department or unit, by code and name. */
  addressee: DepartmentInput;
  /** 认定事实 (at most 10,000 characters). */
  facts: string;
  /** Recommendation or correction notice. */
  kind: DocumentKind;
  /** The leads it rests on (their NEW ones become ACKNOWLEDGED). */
  leads?: Array<string | number> | null | undefined;
  /** 法律依据 (at most 2,000 characters). */
  legalBasis: string;
  /** Records it rests on directly. */
  records?: Array<DocumentRecordInput> | null | undefined;
  /** A shorter deadline than the default, in calendar days from receipt. */
  replyWithinDays?: number | null | undefined;
  /** 建议/纠正事项: what is asked (at most 5,000 characters). */
  request: string;
  /** 急件: the shorter deadline in working days (`urgentWorkingDays`). */
  urgent?: boolean | null | undefined;
};

/** Which leads to list; fields combine with AND, values in a list with OR. */
export type LeadFilter = {
  /** Detected at or after. */
  detectedFrom?: string | null | undefined;
  /** Detected before. */
  detectedTo?: string | null | undefined;
  /** One person. */
  idNumber?: string | null | undefined;
  /** Region-code prefixes (within your jurisdiction). */
  regions?: Array<string> | null | undefined;
  /** Rule ids. */
  rules?: Array<string | number> | null | undefined;
  /** Severities. */
  severity?: Array<Severity> | null | undefined;
  /** Workflow states. */
  status?: Array<LeadStatus> | null | undefined;
};

/** Where a lead is in the procuratorate's workflow: NEW → ACKNOWLEDGED → RESOLVED | DISMISSED. */
export type LeadStatus =
  /** 已受理: a procurator has taken it up. */
  | 'ACKNOWLEDGED'
  /** 不予处理: examined and found not to need action. */
  | 'DISMISSED'
  /** 新线索: found by evaluation, nobody has looked at it yet. */
  | 'NEW'
  /** 已处理: acted on (e.g. a procuratorial recommendation sent), or resolved by the data when the finding no longer holds. */
  | 'RESOLVED';

/** How the procurator decided on an objection (复查结果). */
export type ObjectionDecision =
  /** 修改: the text was revised. */
  | 'REVISED'
  /** 维持: the document stands (the objection was overruled). */
  | 'UPHELD'
  /** 撤回: the document was withdrawn (the objection was right). */
  | 'WITHDRAWN';

/**
 * A new consultation. A PROCURATOR asks for its office (the token's unit) and names the `department`; a
 * DEPARTMENT asks for itself and names the procuratorate `office`.
 */
export type OpenConsultationInput = {
  /** Files for the question, by `sha256` (uploaded with `POST /attachments`); at most 20. Both parties may then download them. */
  attachments?: Array<string> | null | undefined;
  /** The case it is about. */
  case?: ConsultationCaseInput | null | undefined;
  /** The department asked (a PROCURATOR's consultation); leave out as a DEPARTMENT. */
  department?: ConsultationPartyInput | null | undefined;
  /** The procuratorate office asked (a DEPARTMENT's consultation); leave out as a PROCURATOR. */
  office?: ConsultationPartyInput | null | undefined;
  /** The question, 1 to 5,000 characters. */
  question: string;
  /** A subject line, 1 to 200 characters. */
  subject: string;
  /** What it is about. */
  topic: ConsultationTopic;
};

/** Where a prisoner's sentence stands (服刑状态). */
export type PrisonStatus =
  /** Died (死亡). */
  | 'DECEASED'
  /** Serving outside prison (暂予监外执行). */
  | 'OUTSIDE_EXECUTION'
  /** Released on parole (假释). */
  | 'PAROLED'
  /** Released at the end of the sentence (刑满释放). */
  | 'RELEASED'
  /** Serving in prison (在押服刑). */
  | 'SERVING'
  /** Transferred to another prison (调监). */
  | 'TRANSFERRED';

/** How far the irregularity was put right (整改情况). */
export type Rectification =
  /** 未整改: not rectified. */
  | 'NOT_RECTIFIED'
  /** 部分整改: partly rectified. */
  | 'PARTLY_RECTIFIED'
  /** 已整改: rectified. */
  | 'RECTIFIED';

/** A revised text after an objection: the parts that change. */
export type ReviseDocumentInput = {
  /** New facts. */
  facts?: string | null | undefined;
  /** New legal basis. */
  legalBasis?: string | null | undefined;
  /** Why (the re-examination's result). */
  note: string;
  /** New request. */
  request?: string | null | undefined;
};

/** How serious a supervision lead is. */
export type Severity =
  /** 特别严重: a person's liberty is at stake now (held past the limit or past the sentence). */
  | 'CRITICAL'
  /** 严重: a likely violation of the law that needs action. */
  | 'HIGH'
  /** 提示: worth a look (a deadline approaching, a record entered late). */
  | 'LOW'
  /** 一般: an irregularity to raise with the department. */
  | 'MEDIUM';

/** How the hub obtains a source's records (接入方式). */
export type SourceKind =
  /** The hub calls the department's GraphQL endpoint at query time. */
  | 'GRAPHQL'
  /** The department pushes records into the hub's store. */
  | 'HOSTED'
  /** The hub calls the department's REST system (REST source protocol v1) at query time. */
  | 'REST'
  /**
   * The department's system is an Apollo Federation 2 subgraph: the hub reads a person's records through
   * `_entities` on its `Person` entity keyed by `idNumber` (by person only: not in lists and statistics).
   */
  | 'SUBGRAPH';

/** Whether a data source is in service (数据源状态). */
export type SourceStatus =
  /** In service (启用). */
  | 'ACTIVE'
  /** Suspended (停用). */
  | 'SUSPENDED';

/**
 * What `statistics` groups records by. What STATUS, CATEGORY and FACILITY mean depends on the domain:
 *
 * | domain | STATUS | CATEGORY | FACILITY |
 * | --- | --- | --- | --- |
 * | DETENTION | `stage` | `stage` (the same field: give one of the two) | `facility` |
 * | PRISON | `status` | `sentence.kind` | `prison` |
 * | COMMUNITY_CORRECTION | `status` | `correctionType` | `office` |
 * | ENFORCEMENT_CASE | `status` | `category` | `agency` |
 */
export type StatDimension =
  /** Kind (类别): enforcement `category`, correction `correctionType`, prison `sentence.kind`, detention `stage`; labelled with the Chinese term. */
  | 'CATEGORY'
  /** The unit (单位) by its code: detention centre, prison, correction office or enforcement agency; labelled with its name. */
  | 'FACILITY'
  /** Calendar month of `eventAt` in Beijing time (UTC+8), `YYYY-MM`; labelled `2024年3月`. */
  | 'MONTH'
  /** The responsible district (`region`); labelled with its name (万州区). */
  | 'REGION'
  /** The data source (`DataSource.id`) that holds the record; labelled with the source's name. */
  | 'SOURCE'
  /** Where the record stands (统计状态): `status`, for DETENTION the custody `stage`; labelled with the Chinese term. */
  | 'STATUS'
  /** Calendar year of `eventAt` in Beijing time (UTC+8), `YYYY`; labelled `2024年`. */
  | 'YEAR';

/**
 * Which records `statistics` counts. All given conditions must hold; a list field matches any of its
 * values; an omitted field or empty list does not filter. Domain-specific fields are refused
 * (BAD_USER_INPUT) for the other domains.
 */
export type StatFilter = {
  /** Values of the domain's CATEGORY field (e.g. `TAX`, `PROBATION`, `LIFE`; DETENTION: stages); matches any of them. */
  categories?: Array<string> | null | undefined;
  /** Only records whose `eventAt` is at or after this instant. */
  eventFrom?: string | null | undefined;
  /** Only records whose `eventAt` is before this instant (exclusive); when both are given, must be later than `eventFrom`. */
  eventTo?: string | null | undefined;
  /** Unit codes of the domain's FACILITY field (`facility.code`, `prison.code`, `office.code`, `agency.code`); matches any of them. */
  facilityCodes?: Array<string> | null | undefined;
  /** DETENTION only. true: still in custody (no release recorded; 在押人数); false: released. */
  inCustody?: boolean | null | undefined;
  /** Region-code prefixes of the responsible district (`region`): `50` the city, `5001`, `500101` one district; narrowed to the caller's jurisdiction. */
  regions?: Array<string> | null | undefined;
  /** Data source ids (`DataSource.id`); matches any of them. */
  sourceIds?: Array<string | number> | null | undefined;
  /**
   * DETENTION only. Records still in custody whose stage deadline, as the department recorded it
   * (`stageDeadline`), is before this instant: pass now for custody overdue by the recorded deadline
   * (超期羁押). The supervision rules compute deadlines from the law instead (`supervisionLeads`).
   */
  stageDeadlineBefore?: string | null | undefined;
  /** Values of the domain's STATUS field (e.g. `SERVING`; DETENTION: stages such as `INVESTIGATION`); matches any of them. */
  statuses?: Array<string> | null | undefined;
  /** ENFORCEMENT_CASE only. true: only cases the agency flagged as suspected crimes (涉嫌犯罪); false: only cases not flagged. */
  suspectedCrime?: boolean | null | undefined;
  /** ENFORCEMENT_CASE only. true: only cases with a transfer to the police on record (移送涉嫌犯罪案件); false: only cases without. */
  withTransfer?: boolean | null | undefined;
};

export type WorkbenchAuditQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchAuditQuery = { auditLog: { edges: Array<{ cursor: string, node: { seq: number, at: string, actor: unknown, purpose: string | null, operationName: string | null, status: string, errorCodes: Array<string>, durationMs: number, clientAddress: string | null, gateway: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WorkbenchAuditVerificationsQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchAuditVerificationsQuery = { auditVerifications: Array<{ id: string, status: AuditVerificationStatus, actor: string, startedAt: string, finishedAt: string | null, checked: number, total: number, brokenAt: number | null, reason: string | null, error: string | null }> };

export type WorkbenchVerifyAuditMutationVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchVerifyAuditMutation = { verifyAuditChain: { id: string, status: AuditVerificationStatus } };

export type WorkbenchConsultationsQueryVariables = Exact<{
  filter?: ConsultationFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchConsultationsQuery = { consultations: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, status: ConsultationStatus, topic: ConsultationTopic, subject: string, openedAt: string, openedBy: ConsultationSide, office: { name: string }, department: { name: string }, case: { caseNumber: string | null } | null } }> } };

export type WorkbenchConsultationQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchConsultationQuery = { consultation: { id: string, status: ConsultationStatus, topic: ConsultationTopic, subject: string, question: string, openedAt: string, openedBy: ConsultationSide, closedAt: string | null, settlement: string | null, office: { code: string, name: string }, department: { code: string, name: string }, case: { domain: Domain | null, caseNumber: string | null } | null, messages: Array<{ seq: number, at: string, side: ConsultationSide, author: string, org: string, text: string, attachments: Array<{ sha256: string }> }> } };

export type WorkbenchOpenConsultationMutationVariables = Exact<{
  input: OpenConsultationInput;
}>;


export type WorkbenchOpenConsultationMutation = { openConsultation: { id: string } };

export type WorkbenchPostConsultationMessageMutationVariables = Exact<{
  id: string | number;
  text: string;
}>;


export type WorkbenchPostConsultationMessageMutation = { postConsultationMessage: { id: string, status: ConsultationStatus } };

export type WorkbenchCloseConsultationMutationVariables = Exact<{
  id: string | number;
  settlement: string;
}>;


export type WorkbenchCloseConsultationMutation = { closeConsultation: { id: string, status: ConsultationStatus } };

export type WorkbenchDocumentQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchDocumentQuery = { supervisionDocument: { id: string, number: string, kind: DocumentKind, status: DocumentStatus, urgent: boolean, replyWithinDays: number | null, office: string, issuedBy: string, issuedAt: string, facts: string, legalBasis: string, request: string, revision: number, receivedAt: string | null, receivedBy: string | null, dueDate: string | null, daysLeft: number | null, overdue: boolean, outcome: Rectification | null, closedAt: string | null, region: { code: string, name: string }, addressee: { code: string, name: string }, report: { required: boolean, withinWorkingDays: number | null, dueDate: string | null, reportedAt: string | null, note: string | null, late: boolean | null, superior: { code: string, name: string } | null, reportedTo: { code: string, name: string } | null }, answers: Array<{ at: string, actor: string, org: string, text: string, measures: string, rectification: Rectification, dueDate: string | null, late: boolean, attachments: Array<{ sha256: string }> }>, objections: Array<{ at: string, actor: string, reasons: string, revision: number, decision: ObjectionDecision | null, decidedAt: string | null, decisionNote: string | null }>, leads: Array<{ rule: string, ruleTitle: string, explanation: string | null, lead: { id: string, status: LeadStatus, person: { idNumber: string, name: string } } | null }>, records: Array<
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
    >, history: Array<{ at: string, actor: string, role: string, org: string, action: DocumentAction, note: string }> } | null };

export type WorkbenchSignDocumentMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type WorkbenchSignDocumentMutation = { signDocumentReceipt: { id: string, status: DocumentStatus } };

export type WorkbenchReportDocumentMutationVariables = Exact<{
  id: string | number;
  superior: DepartmentInput;
  note: string;
}>;


export type WorkbenchReportDocumentMutation = { reportDocumentToSuperior: { id: string, status: DocumentStatus } };

export type WorkbenchAnswerDocumentMutationVariables = Exact<{
  id: string | number;
  input: DocumentAnswerInput;
}>;


export type WorkbenchAnswerDocumentMutation = { answerDocument: { id: string, status: DocumentStatus } };

export type WorkbenchObjectToDocumentMutationVariables = Exact<{
  id: string | number;
  reasons: string;
}>;


export type WorkbenchObjectToDocumentMutation = { objectToDocument: { id: string, status: DocumentStatus } };

export type WorkbenchReviseDocumentMutationVariables = Exact<{
  id: string | number;
  input: ReviseDocumentInput;
}>;


export type WorkbenchReviseDocumentMutation = { reviseDocument: { id: string, status: DocumentStatus } };

export type WorkbenchUpholdDocumentMutationVariables = Exact<{
  id: string | number;
  reasons: string;
}>;


export type WorkbenchUpholdDocumentMutation = { upholdDocument: { id: string, status: DocumentStatus } };

export type WorkbenchWithdrawDocumentMutationVariables = Exact<{
  id: string | number;
  note: string;
}>;


export type WorkbenchWithdrawDocumentMutation = { withdrawDocument: { id: string, status: DocumentStatus } };

export type WorkbenchAcceptDocumentAnswerMutationVariables = Exact<{
  id: string | number;
  outcome: Rectification;
  note: string;
}>;


export type WorkbenchAcceptDocumentAnswerMutation = { acceptDocumentAnswer: { id: string, status: DocumentStatus } };

export type WorkbenchAskDocumentAgainMutationVariables = Exact<{
  id: string | number;
  note: string;
  replyWithinDays?: number | null | undefined;
}>;


export type WorkbenchAskDocumentAgainMutation = { askDocumentAgain: { id: string, status: DocumentStatus } };

export type WorkbenchCloseDocumentMutationVariables = Exact<{
  id: string | number;
  outcome: Rectification;
  note: string;
}>;


export type WorkbenchCloseDocumentMutation = { closeDocument: { id: string, status: DocumentStatus } };

export type WorkbenchDocumentsQueryVariables = Exact<{
  filter?: DocumentFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchDocumentsQuery = { supervisionDocuments: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, number: string, kind: DocumentKind, status: DocumentStatus, urgent: boolean, issuedAt: string, dueDate: string | null, daysLeft: number | null, overdue: boolean, addressee: { code: string, name: string }, region: { name: string } } }> } };

export type WorkbenchDocumentAlertsQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchDocumentAlertsQuery = { documentAlerts: Array<{ kind: DocumentAlertKind, days: number, document: { id: string, number: string, kind: DocumentKind, addressee: { name: string } } }> };

export type WorkbenchDraftLeadQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchDraftLeadQuery = { supervisionLead: { id: string, severity: Severity, status: LeadStatus, explanation: string, rule: { id: string, title: string, legalBasis: string }, person: { idNumber: string, name: string }, region: { name: string }, records: Array<
      | { source: { department: { code: string, name: string } } }
      | { source: { department: { code: string, name: string } } }
      | { source: { department: { code: string, name: string } } }
      | { source: { department: { code: string, name: string } } }
    > } | null };

export type WorkbenchIssueDocumentMutationVariables = Exact<{
  input: IssueDocumentInput;
}>;


export type WorkbenchIssueDocumentMutation = { issueDocument: { id: string, number: string } };

export type WorkbenchEvaluationRunsQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchEvaluationRunsQuery = { evaluationRuns: Array<{ id: string, trigger: string, actor: string, status: string, startedAt: string, finishedAt: string | null, persons: number, records: number, totalRecords: number, error: string | null, report: { newLeads: number, changed: number, resolvedByData: number, durationMs: number } | null }> };

export type WorkbenchEvaluateMutationVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchEvaluateMutation = { evaluateRules: { runId: string, newLeads: number } };

export type WorkbenchLeadQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchLeadQuery = { supervisionLead: { id: string, severity: Severity, status: LeadStatus, detectedAt: string, updatedAt: string, explanation: string, explanationEn: string, numbers: unknown, resolvedByData: boolean, rule: { id: string, title: string, titleEn: string, legalBasis: string }, person: { idNumber: string, name: string }, region: { code: string, name: string }, records: Array<
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
      | { id: string, domain: Domain, externalId: string, eventAt: string, region: { name: string }, source: { name: string } }
    >, history: Array<{ at: string, actor: string, status: LeadStatus, note: string }> } | null };

export type WorkbenchMoveLeadMutationVariables = Exact<{
  id: string | number;
  status: LeadStatus;
  note: string;
}>;


export type WorkbenchMoveLeadMutation = { updateLeadStatus: { id: string, status: LeadStatus } };

export type WorkbenchRulesQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchRulesQuery = { supervisionRules: Array<{ id: string, title: string, titleEn: string }> };

export type WorkbenchLeadsQueryVariables = Exact<{
  filter?: LeadFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchLeadsQuery = { supervisionLeads: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, severity: Severity, status: LeadStatus, detectedAt: string, explanation: string, explanationEn: string, rule: { id: string, title: string, titleEn: string }, person: { idNumber: string, name: string }, region: { code: string, name: string } } }> } };

export type WorkbenchLeadsExportQueryVariables = Exact<{
  filter?: LeadFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchLeadsExportQuery = { supervisionLeads: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, severity: Severity, status: LeadStatus, detectedAt: string, explanation: string, rule: { title: string }, person: { idNumber: string, name: string }, region: { code: string, name: string } } }> } };

export type WorkbenchDossierQueryVariables = Exact<{
  idNumber: string;
}>;


export type WorkbenchDossierQuery = { person: { idNumber: string, name: string, gender: Gender | null, birthDate: string | null, region: { name: string } | null, detentions: { totalCount: number, edges: Array<{ node: { id: string, eventAt: string, stage: DetentionStage, admittedAt: string, releasedAt: string | null, caseNumber: string, facility: { name: string } } }> }, imprisonments: { totalCount: number, edges: Array<{ node: { id: string, eventAt: string, crime: string, status: PrisonStatus, admittedAt: string, expectedReleaseDate: string | null, releasedAt: string | null, prison: { name: string } } }> }, corrections: { totalCount: number, edges: Array<{ node: { id: string, eventAt: string, correctionType: CorrectionType, status: CorrectionStatus, startDate: string, endDate: string, office: { name: string } } }> }, enforcementCases: { totalCount: number, edges: Array<{ node: { id: string, eventAt: string, category: EnforcementCategory, violation: string, amountInvolved: number, status: EnforcementStatus, agency: { name: string } } }> }, leads: Array<{ id: string, severity: Severity, status: LeadStatus, explanation: string, explanationEn: string, detectedAt: string, rule: { title: string, titleEn: string } }> } | null };

export type WorkbenchPersonSearchQueryVariables = Exact<{
  name: string;
  region?: string | null | undefined;
  birthYear?: number | null | undefined;
  first?: number | null | undefined;
}>;


export type WorkbenchPersonSearchQuery = { personSearch: { truncated: boolean, persons: Array<{ idNumber: string, name: string, gender: Gender | null, birthDate: string | null, region: { name: string } | null }> } };

export type WorkbenchQualityQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
  departmentCode?: string | null | undefined;
}>;


export type WorkbenchQualityQuery = { dataQuality: Array<{ records: number, rejected: number, rank: number | null, medianLagDays: number | null, freshnessDays: number | null, source: { id: string, name: string } | null, department: { code: string, name: string }, timeliness: { ok: number, total: number, share: number }, completeness: { ok: number, total: number, share: number }, accuracy: { ok: number, total: number, share: number } }> };

export type WorkbenchRulesAdminQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchRulesAdminQuery = { supervisionRules: Array<{ id: string, title: string, titleEn: string, legalBasis: string, severity: Severity, description: string, descriptionEn: string, parameters: unknown, defaults: unknown, changes: Array<{ at: string, actor: string, change: unknown, note: string }> }> };

export type WorkbenchUpdateRuleMutationVariables = Exact<{
  id: string | number;
  parameters: unknown;
  note: string;
}>;


export type WorkbenchUpdateRuleMutation = { updateSupervisionRule: { id: string, parameters: unknown } };

export type WorkbenchSourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type WorkbenchSourcesQuery = { dataSources: Array<{ id: string, name: string, domain: Domain, kind: SourceKind, status: SourceStatus, department: { code: string, name: string }, health: { healthy: boolean, lastSuccessAt: string | null, lastErrorAt: string | null, lastError: string | null, consecutiveFailures: number, p95LatencyMs: number | null, lastRecordAt: string | null, droppedRecords: number } }> };

export type WorkbenchSourceQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkbenchSourceQuery = { dataSource: { id: string, name: string, domain: Domain, kind: SourceKind, status: SourceStatus, suspendedReason: string | null, endpoint: string | null, department: { code: string, name: string }, health: { healthy: boolean, lastSuccessAt: string | null, lastErrorAt: string | null, lastError: string | null, consecutiveFailures: number, p95LatencyMs: number | null, lastRecordAt: string | null, droppedRecords: number }, rejections: { edges: Array<{ cursor: string, node: { at: string, index: number | null, externalId: string | null, reasons: Array<string> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type WorkbenchSuspendSourceMutationVariables = Exact<{
  id: string | number;
  reason: string;
}>;


export type WorkbenchSuspendSourceMutation = { suspendDataSource: { id: string, status: SourceStatus } };

export type WorkbenchActivateSourceMutationVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchActivateSourceMutation = { activateDataSource: { id: string, status: SourceStatus } };

export type WorkbenchRotateKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type WorkbenchRotateKeyMutation = { rotateDataSourceKey: { apiKey: string, dataSource: { id: string } } };

export type WorkbenchStatisticsQueryVariables = Exact<{
  domain: Domain;
  groupBy: Array<StatDimension> | StatDimension;
  filter?: StatFilter | null | undefined;
}>;


export type WorkbenchStatisticsQuery = { statistics: Array<{ count: number, amount: number | null, keys: Array<{ dimension: StatDimension, value: string, label: string }> }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const WorkbenchAuditDocument = new TypedDocumentString(`
    query WorkbenchAudit($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges {
      cursor
      node {
        seq
        at
        actor
        purpose
        operationName
        status
        errorCodes
        durationMs
        clientAddress
        gateway
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:85245c362a5486b25fb84b67c064d26096d84a17809537898ad6f0382991b843"}) as unknown as TypedDocumentString<WorkbenchAuditQuery, WorkbenchAuditQueryVariables>;
export const WorkbenchAuditVerificationsDocument = new TypedDocumentString(`
    query WorkbenchAuditVerifications {
  auditVerifications(first: 1) {
    id
    status
    actor
    startedAt
    finishedAt
    checked
    total
    brokenAt
    reason
    error
  }
}
    `, {"hash":"sha256:0dd446941099253a3ab073af32c716ec9e2bd2be0f7d88bc10576023384c165d"}) as unknown as TypedDocumentString<WorkbenchAuditVerificationsQuery, WorkbenchAuditVerificationsQueryVariables>;
export const WorkbenchVerifyAuditDocument = new TypedDocumentString(`
    mutation WorkbenchVerifyAudit {
  verifyAuditChain {
    id
    status
  }
}
    `, {"hash":"sha256:5e0f8639ee4422b0fb018035c517b6dcdd25c8927e90553d2511c3228ca4c782"}) as unknown as TypedDocumentString<WorkbenchVerifyAuditMutation, WorkbenchVerifyAuditMutationVariables>;
export const WorkbenchConsultationsDocument = new TypedDocumentString(`
    query WorkbenchConsultations($filter: ConsultationFilter, $first: Int, $after: String) {
  consultations(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        status
        topic
        subject
        openedAt
        openedBy
        office {
          name
        }
        department {
          name
        }
        case {
          caseNumber
        }
      }
    }
  }
}
    `, {"hash":"sha256:97960648b4e33a09756755062a5ddb07f1cfc1b67b6735556b60d5a05e6c50fa"}) as unknown as TypedDocumentString<WorkbenchConsultationsQuery, WorkbenchConsultationsQueryVariables>;
export const WorkbenchConsultationDocument = new TypedDocumentString(`
    query WorkbenchConsultation($id: ID!) {
  consultation(id: $id) {
    id
    status
    topic
    subject
    question
    openedAt
    openedBy
    closedAt
    settlement
    office {
      code
      name
    }
    department {
      code
      name
    }
    case {
      domain
      caseNumber
    }
    messages {
      seq
      at
      side
      author
      org
      text
      attachments {
        sha256
      }
    }
  }
}
    `, {"hash":"sha256:8999910600ef813fda6829cbd3b24b0f03bda4b28d5a12a9ad9d216c50c2aafb"}) as unknown as TypedDocumentString<WorkbenchConsultationQuery, WorkbenchConsultationQueryVariables>;
export const WorkbenchOpenConsultationDocument = new TypedDocumentString(`
    mutation WorkbenchOpenConsultation($input: OpenConsultationInput!) {
  openConsultation(input: $input) {
    id
  }
}
    `, {"hash":"sha256:f3cc2555678012fc77b69ade2ff2b1ad43eb17e92f919bc164b9d5c2bf52d35b"}) as unknown as TypedDocumentString<WorkbenchOpenConsultationMutation, WorkbenchOpenConsultationMutationVariables>;
export const WorkbenchPostConsultationMessageDocument = new TypedDocumentString(`
    mutation WorkbenchPostConsultationMessage($id: ID!, $text: String!) {
  postConsultationMessage(id: $id, text: $text) {
    id
    status
  }
}
    `, {"hash":"sha256:bd774a3e4be08fa7f4131b672948496cd49225947bd3ef43ebbb9872f63c370f"}) as unknown as TypedDocumentString<WorkbenchPostConsultationMessageMutation, WorkbenchPostConsultationMessageMutationVariables>;
export const WorkbenchCloseConsultationDocument = new TypedDocumentString(`
    mutation WorkbenchCloseConsultation($id: ID!, $settlement: String!) {
  closeConsultation(id: $id, settlement: $settlement) {
    id
    status
  }
}
    `, {"hash":"sha256:d79415806277e67be500c6b4867b8e25008d4c6fd7783a65e51fcb294753fc47"}) as unknown as TypedDocumentString<WorkbenchCloseConsultationMutation, WorkbenchCloseConsultationMutationVariables>;
export const WorkbenchDocumentDocument = new TypedDocumentString(`
    query WorkbenchDocument($id: ID!) {
  supervisionDocument(id: $id) {
    id
    number
    kind
    status
    urgent
    replyWithinDays
    office
    issuedBy
    issuedAt
    region {
      code
      name
    }
    addressee {
      code
      name
    }
    facts
    legalBasis
    request
    revision
    receivedAt
    receivedBy
    dueDate
    daysLeft
    overdue
    report {
      required
      superior {
        code
        name
      }
      withinWorkingDays
      dueDate
      reportedAt
      reportedTo {
        code
        name
      }
      note
      late
    }
    answers {
      at
      actor
      org
      text
      measures
      rectification
      dueDate
      late
      attachments {
        sha256
      }
    }
    objections {
      at
      actor
      reasons
      revision
      decision
      decidedAt
      decisionNote
    }
    outcome
    closedAt
    leads {
      rule
      ruleTitle
      explanation
      lead {
        id
        status
        person {
          idNumber
          name
        }
      }
    }
    records {
      id
      domain
      externalId
      eventAt
      region {
        name
      }
      source {
        name
      }
    }
    history {
      at
      actor
      role
      org
      action
      note
    }
  }
}
    `, {"hash":"sha256:86ee06abafcc146ccc2d12a92f185901a65d2b7b5711894710e53ac52289f114"}) as unknown as TypedDocumentString<WorkbenchDocumentQuery, WorkbenchDocumentQueryVariables>;
export const WorkbenchSignDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchSignDocument($id: ID!, $note: String) {
  signDocumentReceipt(id: $id, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:16eab002070117bbb476072e964b6581d3a1f0446530e6aa1f79beb34da51337"}) as unknown as TypedDocumentString<WorkbenchSignDocumentMutation, WorkbenchSignDocumentMutationVariables>;
export const WorkbenchReportDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchReportDocument($id: ID!, $superior: DepartmentInput!, $note: String!) {
  reportDocumentToSuperior(id: $id, superior: $superior, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:0e33ad41836408533cf237d277adf9cd043d77e302e7ec2a2c70e3c8ad296e41"}) as unknown as TypedDocumentString<WorkbenchReportDocumentMutation, WorkbenchReportDocumentMutationVariables>;
export const WorkbenchAnswerDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchAnswerDocument($id: ID!, $input: DocumentAnswerInput!) {
  answerDocument(id: $id, input: $input) {
    id
    status
  }
}
    `, {"hash":"sha256:e71621616e2829eae92072e6bc18fcc28e743d5e72185558601e1476ec90632a"}) as unknown as TypedDocumentString<WorkbenchAnswerDocumentMutation, WorkbenchAnswerDocumentMutationVariables>;
export const WorkbenchObjectToDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchObjectToDocument($id: ID!, $reasons: String!) {
  objectToDocument(id: $id, reasons: $reasons) {
    id
    status
  }
}
    `, {"hash":"sha256:2fdceb39a253eaeeb0c86862626bd074e742e44427e2c58330140d422c5c7f0d"}) as unknown as TypedDocumentString<WorkbenchObjectToDocumentMutation, WorkbenchObjectToDocumentMutationVariables>;
export const WorkbenchReviseDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchReviseDocument($id: ID!, $input: ReviseDocumentInput!) {
  reviseDocument(id: $id, input: $input) {
    id
    status
  }
}
    `, {"hash":"sha256:772fcf799195eab2ed16c9ea7354f46a0e92eaa17767e61049d4564ae966e08f"}) as unknown as TypedDocumentString<WorkbenchReviseDocumentMutation, WorkbenchReviseDocumentMutationVariables>;
export const WorkbenchUpholdDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchUpholdDocument($id: ID!, $reasons: String!) {
  upholdDocument(id: $id, reasons: $reasons) {
    id
    status
  }
}
    `, {"hash":"sha256:d82e709c6043052fca3cbca2b8f105a9d9ac9a3d7bf5a05aaf395178955ae8d5"}) as unknown as TypedDocumentString<WorkbenchUpholdDocumentMutation, WorkbenchUpholdDocumentMutationVariables>;
export const WorkbenchWithdrawDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchWithdrawDocument($id: ID!, $note: String!) {
  withdrawDocument(id: $id, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:ca98e7264a3a0fa10af61dd4cda26ed1f17076d52edafa45c032c3914882a514"}) as unknown as TypedDocumentString<WorkbenchWithdrawDocumentMutation, WorkbenchWithdrawDocumentMutationVariables>;
export const WorkbenchAcceptDocumentAnswerDocument = new TypedDocumentString(`
    mutation WorkbenchAcceptDocumentAnswer($id: ID!, $outcome: Rectification!, $note: String!) {
  acceptDocumentAnswer(id: $id, outcome: $outcome, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:ba4f1a18c4c1b644ce98aa5125533d8683b1000c1d052fb8f82500152940645d"}) as unknown as TypedDocumentString<WorkbenchAcceptDocumentAnswerMutation, WorkbenchAcceptDocumentAnswerMutationVariables>;
export const WorkbenchAskDocumentAgainDocument = new TypedDocumentString(`
    mutation WorkbenchAskDocumentAgain($id: ID!, $note: String!, $replyWithinDays: Int) {
  askDocumentAgain(id: $id, note: $note, replyWithinDays: $replyWithinDays) {
    id
    status
  }
}
    `, {"hash":"sha256:b506ab82670e9cc442c700da7ad2bc1d9ab731f9475ac3d354a47b441f07a32f"}) as unknown as TypedDocumentString<WorkbenchAskDocumentAgainMutation, WorkbenchAskDocumentAgainMutationVariables>;
export const WorkbenchCloseDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchCloseDocument($id: ID!, $outcome: Rectification!, $note: String!) {
  closeDocument(id: $id, outcome: $outcome, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:89c939717f21728c60a5bae10cc5f5c2af6ac5f6a551115cfecfbd435087ec03"}) as unknown as TypedDocumentString<WorkbenchCloseDocumentMutation, WorkbenchCloseDocumentMutationVariables>;
export const WorkbenchDocumentsDocument = new TypedDocumentString(`
    query WorkbenchDocuments($filter: DocumentFilter, $first: Int, $after: String) {
  supervisionDocuments(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        number
        kind
        status
        urgent
        issuedAt
        dueDate
        daysLeft
        overdue
        addressee {
          code
          name
        }
        region {
          name
        }
      }
    }
  }
}
    `, {"hash":"sha256:ef796f8291a82bd48cc4790dec088bd0c2d3c6058715264f380f9bda992ef957"}) as unknown as TypedDocumentString<WorkbenchDocumentsQuery, WorkbenchDocumentsQueryVariables>;
export const WorkbenchDocumentAlertsDocument = new TypedDocumentString(`
    query WorkbenchDocumentAlerts {
  documentAlerts {
    kind
    days
    document {
      id
      number
      kind
      addressee {
        name
      }
    }
  }
}
    `, {"hash":"sha256:78208561f38c2c01b47de70bae16d939cd63d7d58ce7f2476db40b1b7d958d0a"}) as unknown as TypedDocumentString<WorkbenchDocumentAlertsQuery, WorkbenchDocumentAlertsQueryVariables>;
export const WorkbenchDraftLeadDocument = new TypedDocumentString(`
    query WorkbenchDraftLead($id: ID!) {
  supervisionLead(id: $id) {
    id
    severity
    status
    explanation
    rule {
      id
      title
      legalBasis
    }
    person {
      idNumber
      name
    }
    region {
      name
    }
    records {
      source {
        department {
          code
          name
        }
      }
    }
  }
}
    `, {"hash":"sha256:b57aca48c62e6dc3d7f2f885d16592c36fcb08efb2ae388f7e89144898b9941f"}) as unknown as TypedDocumentString<WorkbenchDraftLeadQuery, WorkbenchDraftLeadQueryVariables>;
export const WorkbenchIssueDocumentDocument = new TypedDocumentString(`
    mutation WorkbenchIssueDocument($input: IssueDocumentInput!) {
  issueDocument(input: $input) {
    id
    number
  }
}
    `, {"hash":"sha256:e45d2de284fce34a79a20ac3fe044923e6e32d0654dd4f9fb042c04b594d5e5d"}) as unknown as TypedDocumentString<WorkbenchIssueDocumentMutation, WorkbenchIssueDocumentMutationVariables>;
export const WorkbenchEvaluationRunsDocument = new TypedDocumentString(`
    query WorkbenchEvaluationRuns {
  evaluationRuns(first: 20) {
    id
    trigger
    actor
    status
    startedAt
    finishedAt
    persons
    records
    totalRecords
    error
    report {
      newLeads
      changed
      resolvedByData
      durationMs
    }
  }
}
    `, {"hash":"sha256:74789b2a307138d0a42be667064b29f0f34859f77f68911f3d3a55127f2eafb1"}) as unknown as TypedDocumentString<WorkbenchEvaluationRunsQuery, WorkbenchEvaluationRunsQueryVariables>;
export const WorkbenchEvaluateDocument = new TypedDocumentString(`
    mutation WorkbenchEvaluate {
  evaluateRules {
    runId
    newLeads
  }
}
    `, {"hash":"sha256:5879da38481ab80e624b5c46cc4b766975ebcefa7dc940de352d51d0842a73ec"}) as unknown as TypedDocumentString<WorkbenchEvaluateMutation, WorkbenchEvaluateMutationVariables>;
export const WorkbenchLeadDocument = new TypedDocumentString(`
    query WorkbenchLead($id: ID!) {
  supervisionLead(id: $id) {
    id
    severity
    status
    detectedAt
    updatedAt
    explanation
    explanationEn
    numbers
    resolvedByData
    rule {
      id
      title
      titleEn
      legalBasis
    }
    person {
      idNumber
      name
    }
    region {
      code
      name
    }
    records {
      id
      domain
      externalId
      eventAt
      region {
        name
      }
      source {
        name
      }
    }
    history {
      at
      actor
      status
      note
    }
  }
}
    `, {"hash":"sha256:ac7132a744c401c0bcb80754f19360a4cfc0e69313fe02ebd35d835c0affd090"}) as unknown as TypedDocumentString<WorkbenchLeadQuery, WorkbenchLeadQueryVariables>;
export const WorkbenchMoveLeadDocument = new TypedDocumentString(`
    mutation WorkbenchMoveLead($id: ID!, $status: LeadStatus!, $note: String!) {
  updateLeadStatus(id: $id, status: $status, note: $note) {
    id
    status
  }
}
    `, {"hash":"sha256:f301d831c92a82a40fa316cb20a43e99250d4081e121142ca02fe88b3f39b546"}) as unknown as TypedDocumentString<WorkbenchMoveLeadMutation, WorkbenchMoveLeadMutationVariables>;
export const WorkbenchRulesDocument = new TypedDocumentString(`
    query WorkbenchRules {
  supervisionRules {
    id
    title
    titleEn
  }
}
    `, {"hash":"sha256:db6561521306e6d2b3973cc6b4de61134ccaaa0477a391355c3b7560b35354b6"}) as unknown as TypedDocumentString<WorkbenchRulesQuery, WorkbenchRulesQueryVariables>;
export const WorkbenchLeadsDocument = new TypedDocumentString(`
    query WorkbenchLeads($filter: LeadFilter, $first: Int, $after: String) {
  supervisionLeads(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        severity
        status
        detectedAt
        explanation
        explanationEn
        rule {
          id
          title
          titleEn
        }
        person {
          idNumber
          name
        }
        region {
          code
          name
        }
      }
    }
  }
}
    `, {"hash":"sha256:bf9005cae84b54afbce4b87d864c5e5adc5709d63cec13eaaec5774b86a6bb2b"}) as unknown as TypedDocumentString<WorkbenchLeadsQuery, WorkbenchLeadsQueryVariables>;
export const WorkbenchLeadsExportDocument = new TypedDocumentString(`
    query WorkbenchLeadsExport($filter: LeadFilter, $first: Int, $after: String) {
  supervisionLeads(filter: $filter, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        severity
        status
        detectedAt
        rule {
          title
        }
        person {
          idNumber
          name
        }
        region {
          code
          name
        }
        explanation
      }
    }
  }
}
    `, {"hash":"sha256:2268ceb1b1b880249a58d6ab18590e2c7dab2e62bc98133be4c0b6c2b8f6faa4"}) as unknown as TypedDocumentString<WorkbenchLeadsExportQuery, WorkbenchLeadsExportQueryVariables>;
export const WorkbenchDossierDocument = new TypedDocumentString(`
    query WorkbenchDossier($idNumber: IdNumber!) {
  person(idNumber: $idNumber) {
    idNumber
    name
    gender
    birthDate
    region {
      name
    }
    detentions(first: 50) {
      totalCount
      edges {
        node {
          id
          eventAt
          facility {
            name
          }
          stage
          admittedAt
          releasedAt
          caseNumber
        }
      }
    }
    imprisonments(first: 50) {
      totalCount
      edges {
        node {
          id
          eventAt
          prison {
            name
          }
          crime
          status
          admittedAt
          expectedReleaseDate
          releasedAt
        }
      }
    }
    corrections(first: 50) {
      totalCount
      edges {
        node {
          id
          eventAt
          office {
            name
          }
          correctionType
          status
          startDate
          endDate
        }
      }
    }
    enforcementCases(first: 50) {
      totalCount
      edges {
        node {
          id
          eventAt
          agency {
            name
          }
          category
          violation
          amountInvolved
          status
        }
      }
    }
    leads {
      id
      severity
      status
      explanation
      explanationEn
      rule {
        title
        titleEn
      }
      detectedAt
    }
  }
}
    `, {"hash":"sha256:b7404453313abdd275abc52f86357d2b36472bb6770af3eec344026ac7fc3ea1"}) as unknown as TypedDocumentString<WorkbenchDossierQuery, WorkbenchDossierQueryVariables>;
export const WorkbenchPersonSearchDocument = new TypedDocumentString(`
    query WorkbenchPersonSearch($name: String!, $region: String, $birthYear: Int, $first: Int) {
  personSearch(name: $name, region: $region, birthYear: $birthYear, first: $first) {
    truncated
    persons {
      idNumber
      name
      gender
      birthDate
      region {
        name
      }
    }
  }
}
    `, {"hash":"sha256:8e071815124d4f167d250112afa4f2a9f2423641f9e93baf573596938530106a"}) as unknown as TypedDocumentString<WorkbenchPersonSearchQuery, WorkbenchPersonSearchQueryVariables>;
export const WorkbenchQualityDocument = new TypedDocumentString(`
    query WorkbenchQuality($from: Date, $to: Date, $departmentCode: String) {
  dataQuality(from: $from, to: $to, departmentCode: $departmentCode) {
    source {
      id
      name
    }
    department {
      code
      name
    }
    records
    rejected
    rank
    timeliness {
      ok
      total
      share
    }
    completeness {
      ok
      total
      share
    }
    accuracy {
      ok
      total
      share
    }
    medianLagDays
    freshnessDays
  }
}
    `, {"hash":"sha256:1c3384d7027ecb11a0d51a634cb0894de2194607cbb0f84bc466408fe7e32350"}) as unknown as TypedDocumentString<WorkbenchQualityQuery, WorkbenchQualityQueryVariables>;
export const WorkbenchRulesAdminDocument = new TypedDocumentString(`
    query WorkbenchRulesAdmin {
  supervisionRules {
    id
    title
    titleEn
    legalBasis
    severity
    description
    descriptionEn
    parameters
    defaults
    changes {
      at
      actor
      change
      note
    }
  }
}
    `, {"hash":"sha256:a250f24cb424ce84a2983073c4e043b32630a3219826b90d9c7c77d12f5f32c8"}) as unknown as TypedDocumentString<WorkbenchRulesAdminQuery, WorkbenchRulesAdminQueryVariables>;
export const WorkbenchUpdateRuleDocument = new TypedDocumentString(`
    mutation WorkbenchUpdateRule($id: ID!, $parameters: JSON!, $note: String!) {
  updateSupervisionRule(id: $id, parameters: $parameters, note: $note) {
    id
    parameters
  }
}
    `, {"hash":"sha256:89002ad5a988e1fb96422e1bfa85654bdf26091f249e570fce1480151b64b463"}) as unknown as TypedDocumentString<WorkbenchUpdateRuleMutation, WorkbenchUpdateRuleMutationVariables>;
export const WorkbenchSourcesDocument = new TypedDocumentString(`
    query WorkbenchSources {
  dataSources {
    id
    name
    domain
    kind
    status
    department {
      code
      name
    }
    health {
      healthy
      lastSuccessAt
      lastErrorAt
      lastError
      consecutiveFailures
      p95LatencyMs
      lastRecordAt
      droppedRecords
    }
  }
}
    `, {"hash":"sha256:9a1d84a020b15cf2f2a3a4c123ac4d596b3fca1ddfd566d4c98ecd934b54ea42"}) as unknown as TypedDocumentString<WorkbenchSourcesQuery, WorkbenchSourcesQueryVariables>;
export const WorkbenchSourceDocument = new TypedDocumentString(`
    query WorkbenchSource($id: ID!, $first: Int, $after: String) {
  dataSource(id: $id) {
    id
    name
    domain
    kind
    status
    suspendedReason
    endpoint
    department {
      code
      name
    }
    health {
      healthy
      lastSuccessAt
      lastErrorAt
      lastError
      consecutiveFailures
      p95LatencyMs
      lastRecordAt
      droppedRecords
    }
    rejections(first: $first, after: $after) {
      edges {
        cursor
        node {
          at
          index
          externalId
          reasons
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `, {"hash":"sha256:15d757106965c0d64476e507a7a059d361d6acfc19169c5b0ac6620ed745b12f"}) as unknown as TypedDocumentString<WorkbenchSourceQuery, WorkbenchSourceQueryVariables>;
export const WorkbenchSuspendSourceDocument = new TypedDocumentString(`
    mutation WorkbenchSuspendSource($id: ID!, $reason: String!) {
  suspendDataSource(id: $id, reason: $reason) {
    id
    status
  }
}
    `, {"hash":"sha256:82cb22dbb44bca3ea3da049c94b16b32b1eb50f8bc5072be3615acde99239c70"}) as unknown as TypedDocumentString<WorkbenchSuspendSourceMutation, WorkbenchSuspendSourceMutationVariables>;
export const WorkbenchActivateSourceDocument = new TypedDocumentString(`
    mutation WorkbenchActivateSource($id: ID!) {
  activateDataSource(id: $id) {
    id
    status
  }
}
    `, {"hash":"sha256:8a65778443e588b3613dabc9d29754a9e5b645422104fb1eea5b507f094558ba"}) as unknown as TypedDocumentString<WorkbenchActivateSourceMutation, WorkbenchActivateSourceMutationVariables>;
export const WorkbenchRotateKeyDocument = new TypedDocumentString(`
    mutation WorkbenchRotateKey($id: ID!) {
  rotateDataSourceKey(id: $id) {
    apiKey
    dataSource {
      id
    }
  }
}
    `, {"hash":"sha256:54d7437ae943bf5cea7ba55d84b8e920d7d9da3971bc7abc5efdf134e5217ef5"}) as unknown as TypedDocumentString<WorkbenchRotateKeyMutation, WorkbenchRotateKeyMutationVariables>;
export const WorkbenchStatisticsDocument = new TypedDocumentString(`
    query WorkbenchStatistics($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {
  statistics(domain: $domain, groupBy: $groupBy, filter: $filter) {
    keys {
      dimension
      value
      label
    }
    count
    amount
  }
}
    `, {"hash":"sha256:fc1ecbd77218a64e7b7abdca83cd37472ab69a4c00f37d24bf9e071037a9e5bd"}) as unknown as TypedDocumentString<WorkbenchStatisticsQuery, WorkbenchStatisticsQueryVariables>;