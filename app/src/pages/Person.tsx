/**
 * Finding a person (/app/persons) and the dossier (一人一档, /app/persons/:idNumber): one timeline
 * across the four domains, with the person's leads beside it.
 */
import { Button, Card, Col, Descriptions, Empty, Form, Input, List, Row, Tag, Timeline, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useGql } from '../client';
import { graphql } from '../gql';
import type { WorkbenchDossierQuery } from '../gql/graphql';
import { useI18n, type Lang } from '../i18n';
import { day, label, SEVERITY_COLOR, STATUS_COLOR, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { PageTitle } from '../ui';

const DOSSIER = graphql(`
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
`);

type P = NonNullable<WorkbenchDossierQuery['person']>;
interface Entry {
  id: string;
  at: string;
  color: string;
  domain: string;
  text: string;
}

/** Every record of the four domains as one list, newest first. */
function timeline(p: P, lang: Lang): Entry[] {
  const zh = lang === 'zh';
  const out: Entry[] = [];
  for (const { node: r } of p.detentions.edges)
    out.push({
      id: r.id,
      at: r.eventAt,
      color: 'red',
      domain: label('Domain', 'DETENTION', lang),
      text: `${r.facility.name} · ${label('DetentionStage', r.stage, lang)} · ${zh ? '入所' : 'admitted'} ${day(r.admittedAt)}${r.releasedAt ? ` · ${zh ? '出所' : 'released'} ${day(r.releasedAt)}` : ''} · ${r.caseNumber}`,
    });
  for (const { node: r } of p.imprisonments.edges)
    out.push({
      id: r.id,
      at: r.eventAt,
      color: 'purple',
      domain: label('Domain', 'PRISON', lang),
      text: `${r.prison.name} · ${r.crime} · ${label('PrisonStatus', r.status, lang)} · ${zh ? '刑期至' : 'due out'} ${day(r.expectedReleaseDate)}`,
    });
  for (const { node: r } of p.corrections.edges)
    out.push({
      id: r.id,
      at: r.eventAt,
      color: 'blue',
      domain: label('Domain', 'COMMUNITY_CORRECTION', lang),
      text: `${r.office.name} · ${label('CorrectionType', r.correctionType, lang)} · ${label('CorrectionStatus', r.status, lang)} · ${day(r.startDate)} – ${day(r.endDate)}`,
    });
  for (const { node: r } of p.enforcementCases.edges)
    out.push({
      id: r.id,
      at: r.eventAt,
      color: 'green',
      domain: label('Domain', 'ENFORCEMENT_CASE', lang),
      text: `${r.agency.name} · ${label('EnforcementCategory', r.category, lang)} · ${r.violation} · ${r.amountInvolved.toLocaleString(zh ? 'zh-CN' : 'en')} ${zh ? '元' : 'yuan'} · ${label('EnforcementStatus', r.status, lang)}`,
    });
  return out.sort((a, b) => b.at.localeCompare(a.at));
}

export function PersonPage() {
  const { idNumber = '' } = useParams();
  const { t, lang } = useI18n();
  const dossier = useGql(DOSSIER, { idNumber });
  if (dossier.error) return <Failure error={dossier.error} retry={() => void dossier.refetch()} />;
  if (dossier.isLoading) return <Typography.Text>…</Typography.Text>;
  const p = dossier.data?.data.person;
  if (!p) return <Empty description={t('noPerson')} />;
  const entries = timeline(p, lang);
  return (
    <section aria-labelledby="person-title">
      <SourceBanner errors={dossier.data?.errors} />
      <PageTitle id="person-title">
        {t('dossier')} · {p.name}
      </PageTitle>
      <Descriptions bordered size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('idNumber')}>{p.idNumber}</Descriptions.Item>
        <Descriptions.Item label={t('gender')}>{label('Gender', p.gender, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('birthDate')}>{p.birthDate ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('household')}>{p.region?.name ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={`${t('timeline')} (${entries.length})`} size="small">
            <Timeline
              items={entries.map((e) => ({
                key: e.id,
                color: e.color,
                content: (
                  <div>
                    <Typography.Text strong>{day(e.at)}</Typography.Text> <Tag>{e.domain}</Tag>
                    <div>{e.text}</div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={`${t('personLeads')} (${p.leads.length})`} size="small">
            <List
              dataSource={p.leads}
              locale={{ emptyText: '—' }}
              renderItem={(l) => (
                <List.Item>
                  <div>
                    <Tag color={SEVERITY_COLOR[l.severity]}>{label('Severity', l.severity, lang)}</Tag>
                    <Tag color={STATUS_COLOR[l.status]}>{label('LeadStatus', l.status, lang)}</Tag>
                    <Link to={`/leads/${l.id}`}>{lang === 'zh' ? l.rule.title : l.rule.titleEn}</Link>
                    <div>
                      <Typography.Text type="secondary">
                        {when(l.detectedAt)} · {lang === 'zh' ? l.explanation : l.explanationEn}
                      </Typography.Text>
                    </div>
                  </div>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}

export function PersonSearchPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <section aria-labelledby="search-title">
      <PageTitle id="search-title">{t('menuPerson')}</PageTitle>
      <Form layout="inline" onFinish={({ idNumber }: { idNumber: string }) => void navigate(`/persons/${idNumber.trim().toUpperCase()}`)}>
        <Form.Item
          name="idNumber"
          label={t('idNumber')}
          rules={[{ required: true, pattern: /^\s*(\d{17}[\dXx]|\d{15})\s*$/, message: t('idNumberInvalid') }]}
        >
          <Input style={{ width: 240 }} maxLength={20} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
        </Form.Item>
      </Form>
    </section>
  );
}
