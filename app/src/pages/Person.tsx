/**
 * Finding a person (/app/persons: by ID number, or by name narrowed by district or birth year) and the dossier (一人一档, /app/persons/:idNumber): one timeline
 * across the four domains, with the person's leads beside it.
 */
import { Alert, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, List, Row, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useGql } from '../client';
import { graphql } from '../gql';
import type { WorkbenchDossierQuery } from '../gql/graphql';
import { useI18n, type Lang } from '../i18n';
import { day, label, SEVERITY_COLOR, STATUS_COLOR, when } from '../labels';
import { Failure, SourceBanner } from '../problems';
import { FilterBar, PageTitle, SectionTitle } from '../ui';

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

const SEARCH = graphql(`
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
`);

interface NameSearch {
  name: string;
  region?: string;
  birthYear?: number | null;
}

/**
 * Finding a person: by ID number (straight to the dossier), or by name narrowed by district or
 * birth year (personSearch: the hub refuses a name alone and caps the answer; an analyst sees the
 * persons masked, so only a procurator opens a dossier from the list).
 */
export function PersonSearchPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [asked, setAsked] = useState<NameSearch | null>(null);
  const found = useGql(
    SEARCH,
    { name: asked?.name ?? '', region: asked?.region || undefined, birthYear: asked?.birthYear ?? undefined, first: 50 },
    { enabled: asked !== null },
  );
  const result = found.data?.data.personSearch;
  const unmasked = (idNumber: string) => !idNumber.includes('*');
  return (
    <section aria-labelledby="search-title">
      <PageTitle id="search-title">{t('menuPerson')}</PageTitle>
      <SectionTitle>{t('byIdNumber')}</SectionTitle>
      <Form
        layout="inline"
        onFinish={({ idNumber }: { idNumber: string }) => void navigate(`/persons/${idNumber.trim().toUpperCase()}`)}
        style={{ marginBottom: 16 }}
      >
        <Form.Item
          name="idNumber"
          label={t('idNumber')}
          rules={[{ required: true, pattern: /^\s*(\d{17}[\dXx]|\d{15})\s*$/, message: t('idNumberInvalid') }]}
        >
          <Input style={{ width: 240 }} maxLength={20} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('open')}
          </Button>
        </Form.Item>
      </Form>
      <SectionTitle>{t('byName')}</SectionTitle>
      <Typography.Paragraph type="secondary">{t('byNameHint')}</Typography.Paragraph>
      <FilterBar<NameSearch> onSearch={(v) => setAsked({ name: v.name.trim(), region: v.region?.trim(), birthYear: v.birthYear ?? null })}>
        <Form.Item
          name="name"
          label={t('name')}
          rules={[{ required: true, whitespace: true, message: t('fieldRequired', { field: t('name') }) }, { max: 30 }]}
        >
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          name="region"
          label={t('region')}
          dependencies={['birthYear']}
          rules={[
            ({ getFieldValue }) => ({
              // as the hub asks: a district or county, or a year of birth (a name alone would list the city)
              validator: (_, v: string | undefined) =>
                (v ?? '').trim().length >= 4 || getFieldValue('birthYear')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('narrowRequired'))),
            }),
            { pattern: /^\s*(\d{2}|\d{4}|\d{6})\s*$/, message: t('regionInvalid') },
          ]}
        >
          <Input style={{ width: 110 }} placeholder="500101" aria-label={t('region')} />
        </Form.Item>
        <Form.Item name="birthYear" label={t('birthYear')}>
          <InputNumber style={{ width: 110 }} min={1900} max={2100} aria-label={t('birthYear')} />
        </Form.Item>
      </FilterBar>
      {found.error && <Failure error={found.error} />}
      {result && (
        <>
          {result.truncated && (
            <Alert type="warning" showIcon title={t('searchTruncated', { n: result.persons.length })} style={{ marginBottom: 12 }} />
          )}
          <Table
            size="small"
            pagination={false}
            rowKey="idNumber"
            dataSource={result.persons}
            locale={{ emptyText: t('noPersonFound') }}
            columns={[
              { title: t('name'), width: 120, dataIndex: 'name' },
              {
                title: t('idNumber'),
                width: 220,
                render: (_, p) => (unmasked(p.idNumber) ? <Link to={`/persons/${p.idNumber}`}>{p.idNumber}</Link> : p.idNumber),
              },
              { title: t('gender'), width: 80, render: (_, p) => label('Gender', p.gender, lang) },
              { title: t('birthDate'), width: 120, render: (_, p) => day(p.birthDate) },
              { title: t('household'), render: (_, p) => p.region?.name ?? '—' },
            ]}
          />
        </>
      )}
    </section>
  );
}
