import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Permission } from '../../shared/permissions.js';
import { usePageTitle } from '../pageTitle.js';
import { useSession } from '../session.js';
import { AuditSection } from './admin/AuditSection.js';
import { GroupingSection } from './admin/GroupingSection.js';
import { InviteSection, OpenInvitations } from './admin/InviteSection.js';
import { OrganizationsSection } from './admin/OrganizationsSection.js';
import { PeopleSection } from './admin/PeopleSection.js';
import { PublishingSection } from './admin/PublishingSection.js';
import { RetentionSection } from './admin/RetentionSection.js';
import { RightsSection } from './admin/RightsSection.js';
import { RoleConflicts } from './admin/RoleConflicts.js';
import { ZonesSection } from './admin/ZonesSection.js';

/**
 * The sections of the admin page, in the order they are offered, each with
 * the permission it needs (the server decides; the page shows each admin
 * only what they can do), its short name in the navigation and its heading.
 */
const SECTIONS = [
  { id: 'people', permission: 'people:manage', heading: 'admin.people' },
  { id: 'invitations', permission: 'people:manage', heading: 'admin.sections.invitations' },
  { id: 'organizations', permission: 'organizations:manage', heading: 'admin.organizations' },
  { id: 'zones', permission: 'settings:manage', heading: 'admin.zones.title' },
  { id: 'grouping', permission: 'settings:manage', heading: 'admin.grouping.title' },
  { id: 'publishing', permission: 'settings:manage', heading: 'admin.publishing.title' },
  { id: 'rights', permission: 'rights:review', heading: 'admin.sections.rights' },
  { id: 'audit', permission: 'audit:read', heading: 'admin.audit' },
  { id: 'retention', permission: 'audit:read', heading: 'admin.retention.title' },
] as const satisfies readonly { id: string; permission: Permission; heading: string }[];

type SectionId = (typeof SECTIONS)[number]['id'];

const CONTENT: Record<SectionId, () => ReactNode> = {
  people: () => <PeopleSection />,
  invitations: () => (
    <>
      <InviteSection />
      <OpenInvitations />
    </>
  ),
  organizations: () => <OrganizationsSection />,
  zones: () => <ZonesSection />,
  grouping: () => <GroupingSection />,
  publishing: () => <PublishingSection />,
  rights: () => <RightsSection />,
  audit: () => <AuditSection />,
  retention: () => <RetentionSection />,
};

const HEADING_ID = 'admin-section-title';

/**
 * People, access and the coalition's settings, one section at a time. An
 * organization's admin sees the people, roles and invitations of their own
 * organization; a coalition admin also member organizations, zones,
 * grouping, the publishing guard's lists, the audit log and retention. The
 * section is in the address (`?section=zones`): it can be linked to, and
 * Back returns to the one before.
 */
export default function AdminPage() {
  const { t } = useTranslation();
  const permissions = useSession().data?.permissions ?? [];
  const offered = SECTIONS.filter((section) => permissions.includes(section.permission));
  const [params] = useSearchParams();
  const asked = params.get('section');
  const current = offered.find((section) => section.id === asked) ?? offered[0];
  const label = current ? t(`admin.sections.${current.id}`) : t('admin.heading');
  usePageTitle(current ? t('titles.adminSection', { section: label }) : t('admin.heading'));

  // A section chosen from the list: the reader is taken to its heading, as on a new page.
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(current?.id);
  useEffect(() => {
    if (shown.current === current?.id) return;
    shown.current = current?.id;
    heading.current?.focus();
  }, [current?.id]);

  return (
    <div className="admin">
      <h1>{t('admin.heading')}</h1>
      {permissions.includes('people:manage') && !permissions.includes('organizations:manage') && (
        <p className="muted">{t('admin.organizationScope')}</p>
      )}
      <RoleConflicts />
      <div className="admin-layout">
        <nav aria-label={t('admin.sectionsLabel')} className="admin-nav">
          <ul>
            {offered.map((section) => (
              <li key={section.id}>
                <Link
                  to={`?section=${section.id}`}
                  aria-current={section.id === current?.id ? 'page' : undefined}
                >
                  {t(`admin.sections.${section.id}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {current && (
          <section className="admin-section" aria-labelledby={HEADING_ID} data-section={current.id}>
            <h2 id={HEADING_ID} tabIndex={-1} ref={heading}>
              {t(current.heading)}
            </h2>
            {CONTENT[current.id]()}
          </section>
        )}
      </div>
    </div>
  );
}
