/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query WorkbenchAudit($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actor\n          purpose\n          operationName\n          status\n          errorCodes\n          durationMs\n          clientAddress\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.WorkbenchAuditDocument,
    "\n  query WorkbenchAuditVerifications {\n    auditVerifications(first: 1) {\n      id\n      status\n      actor\n      startedAt\n      finishedAt\n      checked\n      total\n      brokenAt\n      reason\n      error\n    }\n  }\n": typeof types.WorkbenchAuditVerificationsDocument,
    "\n  mutation WorkbenchVerifyAudit {\n    verifyAuditChain {\n      id\n      status\n    }\n  }\n": typeof types.WorkbenchVerifyAuditDocument,
    "\n  query WorkbenchEvaluationRuns {\n    evaluationRuns(first: 20) {\n      id\n      trigger\n      actor\n      status\n      startedAt\n      finishedAt\n      persons\n      records\n      totalRecords\n      error\n      report {\n        newLeads\n        changed\n        resolvedByData\n        durationMs\n      }\n    }\n  }\n": typeof types.WorkbenchEvaluationRunsDocument,
    "\n  mutation WorkbenchEvaluate {\n    evaluateRules {\n      runId\n      newLeads\n    }\n  }\n": typeof types.WorkbenchEvaluateDocument,
    "\n  query WorkbenchLead($id: ID!) {\n    supervisionLead(id: $id) {\n      id\n      severity\n      status\n      detectedAt\n      updatedAt\n      explanation\n      explanationEn\n      numbers\n      resolvedByData\n      rule {\n        id\n        title\n        titleEn\n        legalBasis\n      }\n      person {\n        idNumber\n        name\n      }\n      region {\n        code\n        name\n      }\n      records {\n        id\n        domain\n        externalId\n        eventAt\n        region {\n          name\n        }\n        source {\n          name\n        }\n      }\n      history {\n        at\n        actor\n        status\n        note\n      }\n    }\n  }\n": typeof types.WorkbenchLeadDocument,
    "\n  mutation WorkbenchMoveLead($id: ID!, $status: LeadStatus!, $note: String!) {\n    updateLeadStatus(id: $id, status: $status, note: $note) {\n      id\n      status\n    }\n  }\n": typeof types.WorkbenchMoveLeadDocument,
    "\n  query WorkbenchRules {\n    supervisionRules {\n      id\n      title\n      titleEn\n    }\n  }\n": typeof types.WorkbenchRulesDocument,
    "\n  query WorkbenchLeads($filter: LeadFilter, $first: Int, $after: String) {\n    supervisionLeads(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          severity\n          status\n          detectedAt\n          explanation\n          explanationEn\n          rule {\n            id\n            title\n            titleEn\n          }\n          person {\n            idNumber\n            name\n          }\n          region {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.WorkbenchLeadsDocument,
    "\n  query WorkbenchDossier($idNumber: IdNumber!) {\n    person(idNumber: $idNumber) {\n      idNumber\n      name\n      gender\n      birthDate\n      region {\n        name\n      }\n      detentions(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            facility {\n              name\n            }\n            stage\n            admittedAt\n            releasedAt\n            caseNumber\n          }\n        }\n      }\n      imprisonments(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            prison {\n              name\n            }\n            crime\n            status\n            admittedAt\n            expectedReleaseDate\n            releasedAt\n          }\n        }\n      }\n      corrections(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            office {\n              name\n            }\n            correctionType\n            status\n            startDate\n            endDate\n          }\n        }\n      }\n      enforcementCases(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            agency {\n              name\n            }\n            category\n            violation\n            amountInvolved\n            status\n          }\n        }\n      }\n      leads {\n        id\n        severity\n        status\n        explanation\n        explanationEn\n        rule {\n          title\n          titleEn\n        }\n        detectedAt\n      }\n    }\n  }\n": typeof types.WorkbenchDossierDocument,
    "\n  query WorkbenchRulesAdmin {\n    supervisionRules {\n      id\n      title\n      titleEn\n      legalBasis\n      severity\n      description\n      descriptionEn\n      parameters\n      defaults\n      changes {\n        at\n        actor\n        change\n        note\n      }\n    }\n  }\n": typeof types.WorkbenchRulesAdminDocument,
    "\n  mutation WorkbenchUpdateRule($id: ID!, $parameters: JSON!, $note: String!) {\n    updateSupervisionRule(id: $id, parameters: $parameters, note: $note) {\n      id\n      parameters\n    }\n  }\n": typeof types.WorkbenchUpdateRuleDocument,
    "\n  query WorkbenchSources {\n    dataSources {\n      id\n      name\n      domain\n      kind\n      status\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n    }\n  }\n": typeof types.WorkbenchSourcesDocument,
    "\n  query WorkbenchSource($id: ID!, $first: Int, $after: String) {\n    dataSource(id: $id) {\n      id\n      name\n      domain\n      kind\n      status\n      suspendedReason\n      endpoint\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n      rejections(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            at\n            index\n            externalId\n            reasons\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.WorkbenchSourceDocument,
    "\n  mutation WorkbenchSuspendSource($id: ID!, $reason: String!) {\n    suspendDataSource(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n": typeof types.WorkbenchSuspendSourceDocument,
    "\n  mutation WorkbenchActivateSource($id: ID!) {\n    activateDataSource(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.WorkbenchActivateSourceDocument,
    "\n  mutation WorkbenchRotateKey($id: ID!) {\n    rotateDataSourceKey(id: $id) {\n      apiKey\n      dataSource {\n        id\n      }\n    }\n  }\n": typeof types.WorkbenchRotateKeyDocument,
    "\n  query WorkbenchStatistics($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {\n    statistics(domain: $domain, groupBy: $groupBy, filter: $filter) {\n      keys {\n        dimension\n        value\n        label\n      }\n      count\n      amount\n    }\n  }\n": typeof types.WorkbenchStatisticsDocument,
};
const documents: Documents = {
    "\n  query WorkbenchAudit($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actor\n          purpose\n          operationName\n          status\n          errorCodes\n          durationMs\n          clientAddress\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.WorkbenchAuditDocument,
    "\n  query WorkbenchAuditVerifications {\n    auditVerifications(first: 1) {\n      id\n      status\n      actor\n      startedAt\n      finishedAt\n      checked\n      total\n      brokenAt\n      reason\n      error\n    }\n  }\n": types.WorkbenchAuditVerificationsDocument,
    "\n  mutation WorkbenchVerifyAudit {\n    verifyAuditChain {\n      id\n      status\n    }\n  }\n": types.WorkbenchVerifyAuditDocument,
    "\n  query WorkbenchEvaluationRuns {\n    evaluationRuns(first: 20) {\n      id\n      trigger\n      actor\n      status\n      startedAt\n      finishedAt\n      persons\n      records\n      totalRecords\n      error\n      report {\n        newLeads\n        changed\n        resolvedByData\n        durationMs\n      }\n    }\n  }\n": types.WorkbenchEvaluationRunsDocument,
    "\n  mutation WorkbenchEvaluate {\n    evaluateRules {\n      runId\n      newLeads\n    }\n  }\n": types.WorkbenchEvaluateDocument,
    "\n  query WorkbenchLead($id: ID!) {\n    supervisionLead(id: $id) {\n      id\n      severity\n      status\n      detectedAt\n      updatedAt\n      explanation\n      explanationEn\n      numbers\n      resolvedByData\n      rule {\n        id\n        title\n        titleEn\n        legalBasis\n      }\n      person {\n        idNumber\n        name\n      }\n      region {\n        code\n        name\n      }\n      records {\n        id\n        domain\n        externalId\n        eventAt\n        region {\n          name\n        }\n        source {\n          name\n        }\n      }\n      history {\n        at\n        actor\n        status\n        note\n      }\n    }\n  }\n": types.WorkbenchLeadDocument,
    "\n  mutation WorkbenchMoveLead($id: ID!, $status: LeadStatus!, $note: String!) {\n    updateLeadStatus(id: $id, status: $status, note: $note) {\n      id\n      status\n    }\n  }\n": types.WorkbenchMoveLeadDocument,
    "\n  query WorkbenchRules {\n    supervisionRules {\n      id\n      title\n      titleEn\n    }\n  }\n": types.WorkbenchRulesDocument,
    "\n  query WorkbenchLeads($filter: LeadFilter, $first: Int, $after: String) {\n    supervisionLeads(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          severity\n          status\n          detectedAt\n          explanation\n          explanationEn\n          rule {\n            id\n            title\n            titleEn\n          }\n          person {\n            idNumber\n            name\n          }\n          region {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n": types.WorkbenchLeadsDocument,
    "\n  query WorkbenchDossier($idNumber: IdNumber!) {\n    person(idNumber: $idNumber) {\n      idNumber\n      name\n      gender\n      birthDate\n      region {\n        name\n      }\n      detentions(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            facility {\n              name\n            }\n            stage\n            admittedAt\n            releasedAt\n            caseNumber\n          }\n        }\n      }\n      imprisonments(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            prison {\n              name\n            }\n            crime\n            status\n            admittedAt\n            expectedReleaseDate\n            releasedAt\n          }\n        }\n      }\n      corrections(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            office {\n              name\n            }\n            correctionType\n            status\n            startDate\n            endDate\n          }\n        }\n      }\n      enforcementCases(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            agency {\n              name\n            }\n            category\n            violation\n            amountInvolved\n            status\n          }\n        }\n      }\n      leads {\n        id\n        severity\n        status\n        explanation\n        explanationEn\n        rule {\n          title\n          titleEn\n        }\n        detectedAt\n      }\n    }\n  }\n": types.WorkbenchDossierDocument,
    "\n  query WorkbenchRulesAdmin {\n    supervisionRules {\n      id\n      title\n      titleEn\n      legalBasis\n      severity\n      description\n      descriptionEn\n      parameters\n      defaults\n      changes {\n        at\n        actor\n        change\n        note\n      }\n    }\n  }\n": types.WorkbenchRulesAdminDocument,
    "\n  mutation WorkbenchUpdateRule($id: ID!, $parameters: JSON!, $note: String!) {\n    updateSupervisionRule(id: $id, parameters: $parameters, note: $note) {\n      id\n      parameters\n    }\n  }\n": types.WorkbenchUpdateRuleDocument,
    "\n  query WorkbenchSources {\n    dataSources {\n      id\n      name\n      domain\n      kind\n      status\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n    }\n  }\n": types.WorkbenchSourcesDocument,
    "\n  query WorkbenchSource($id: ID!, $first: Int, $after: String) {\n    dataSource(id: $id) {\n      id\n      name\n      domain\n      kind\n      status\n      suspendedReason\n      endpoint\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n      rejections(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            at\n            index\n            externalId\n            reasons\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.WorkbenchSourceDocument,
    "\n  mutation WorkbenchSuspendSource($id: ID!, $reason: String!) {\n    suspendDataSource(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n": types.WorkbenchSuspendSourceDocument,
    "\n  mutation WorkbenchActivateSource($id: ID!) {\n    activateDataSource(id: $id) {\n      id\n      status\n    }\n  }\n": types.WorkbenchActivateSourceDocument,
    "\n  mutation WorkbenchRotateKey($id: ID!) {\n    rotateDataSourceKey(id: $id) {\n      apiKey\n      dataSource {\n        id\n      }\n    }\n  }\n": types.WorkbenchRotateKeyDocument,
    "\n  query WorkbenchStatistics($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {\n    statistics(domain: $domain, groupBy: $groupBy, filter: $filter) {\n      keys {\n        dimension\n        value\n        label\n      }\n      count\n      amount\n    }\n  }\n": types.WorkbenchStatisticsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchAudit($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actor\n          purpose\n          operationName\n          status\n          errorCodes\n          durationMs\n          clientAddress\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchAuditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchAuditVerifications {\n    auditVerifications(first: 1) {\n      id\n      status\n      actor\n      startedAt\n      finishedAt\n      checked\n      total\n      brokenAt\n      reason\n      error\n    }\n  }\n"): typeof import('./graphql').WorkbenchAuditVerificationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchVerifyAudit {\n    verifyAuditChain {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').WorkbenchVerifyAuditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchEvaluationRuns {\n    evaluationRuns(first: 20) {\n      id\n      trigger\n      actor\n      status\n      startedAt\n      finishedAt\n      persons\n      records\n      totalRecords\n      error\n      report {\n        newLeads\n        changed\n        resolvedByData\n        durationMs\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchEvaluationRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchEvaluate {\n    evaluateRules {\n      runId\n      newLeads\n    }\n  }\n"): typeof import('./graphql').WorkbenchEvaluateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchLead($id: ID!) {\n    supervisionLead(id: $id) {\n      id\n      severity\n      status\n      detectedAt\n      updatedAt\n      explanation\n      explanationEn\n      numbers\n      resolvedByData\n      rule {\n        id\n        title\n        titleEn\n        legalBasis\n      }\n      person {\n        idNumber\n        name\n      }\n      region {\n        code\n        name\n      }\n      records {\n        id\n        domain\n        externalId\n        eventAt\n        region {\n          name\n        }\n        source {\n          name\n        }\n      }\n      history {\n        at\n        actor\n        status\n        note\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchLeadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchMoveLead($id: ID!, $status: LeadStatus!, $note: String!) {\n    updateLeadStatus(id: $id, status: $status, note: $note) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').WorkbenchMoveLeadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchRules {\n    supervisionRules {\n      id\n      title\n      titleEn\n    }\n  }\n"): typeof import('./graphql').WorkbenchRulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchLeads($filter: LeadFilter, $first: Int, $after: String) {\n    supervisionLeads(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          severity\n          status\n          detectedAt\n          explanation\n          explanationEn\n          rule {\n            id\n            title\n            titleEn\n          }\n          person {\n            idNumber\n            name\n          }\n          region {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchLeadsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchDossier($idNumber: IdNumber!) {\n    person(idNumber: $idNumber) {\n      idNumber\n      name\n      gender\n      birthDate\n      region {\n        name\n      }\n      detentions(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            facility {\n              name\n            }\n            stage\n            admittedAt\n            releasedAt\n            caseNumber\n          }\n        }\n      }\n      imprisonments(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            prison {\n              name\n            }\n            crime\n            status\n            admittedAt\n            expectedReleaseDate\n            releasedAt\n          }\n        }\n      }\n      corrections(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            office {\n              name\n            }\n            correctionType\n            status\n            startDate\n            endDate\n          }\n        }\n      }\n      enforcementCases(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            eventAt\n            agency {\n              name\n            }\n            category\n            violation\n            amountInvolved\n            status\n          }\n        }\n      }\n      leads {\n        id\n        severity\n        status\n        explanation\n        explanationEn\n        rule {\n          title\n          titleEn\n        }\n        detectedAt\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchDossierDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchRulesAdmin {\n    supervisionRules {\n      id\n      title\n      titleEn\n      legalBasis\n      severity\n      description\n      descriptionEn\n      parameters\n      defaults\n      changes {\n        at\n        actor\n        change\n        note\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchRulesAdminDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchUpdateRule($id: ID!, $parameters: JSON!, $note: String!) {\n    updateSupervisionRule(id: $id, parameters: $parameters, note: $note) {\n      id\n      parameters\n    }\n  }\n"): typeof import('./graphql').WorkbenchUpdateRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchSources {\n    dataSources {\n      id\n      name\n      domain\n      kind\n      status\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchSourcesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchSource($id: ID!, $first: Int, $after: String) {\n    dataSource(id: $id) {\n      id\n      name\n      domain\n      kind\n      status\n      suspendedReason\n      endpoint\n      department {\n        code\n        name\n      }\n      health {\n        healthy\n        lastSuccessAt\n        lastErrorAt\n        lastError\n        consecutiveFailures\n        p95LatencyMs\n        lastRecordAt\n        droppedRecords\n      }\n      rejections(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            at\n            index\n            externalId\n            reasons\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchSourceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchSuspendSource($id: ID!, $reason: String!) {\n    suspendDataSource(id: $id, reason: $reason) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').WorkbenchSuspendSourceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchActivateSource($id: ID!) {\n    activateDataSource(id: $id) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').WorkbenchActivateSourceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkbenchRotateKey($id: ID!) {\n    rotateDataSourceKey(id: $id) {\n      apiKey\n      dataSource {\n        id\n      }\n    }\n  }\n"): typeof import('./graphql').WorkbenchRotateKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkbenchStatistics($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {\n    statistics(domain: $domain, groupBy: $groupBy, filter: $filter) {\n      keys {\n        dimension\n        value\n        label\n      }\n      count\n      amount\n    }\n  }\n"): typeof import('./graphql').WorkbenchStatisticsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
