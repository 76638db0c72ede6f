import { useTranslation } from 'react-i18next';
import type { Permission } from '../../shared/permissions.js';
import { useSession } from '../session.js';
import { AuditSection } from './admin/AuditSection.js';
import { GroupingSection } from './admin/GroupingSection.js';
import { InviteSection } from './admin/InviteSection.js';
import { OrganizationsSection } from './admin/OrganizationsSection.js';
import { PeopleSection } from './admin/PeopleSection.js';
import { PublishingSection } from './admin/PublishingSection.js';
import { RetentionSection } from './admin/RetentionSection.js';
import { RoleConflicts } from './admin/RoleConflicts.js';
import { ZonesSection } from './admin/ZonesSection.js';

/**
 * People and access. An organization's admin sees the people, roles and
 * invitations of their own organization; a coalition admin also sees member
 * organizations, the audit log, zones, grouping, the publishing guard's lists
 * and retention. The server decides; the page shows each admin only what they can do.
 */
export default function AdminPage() {
  const { t } = useTranslation();
  const permissions = useSession().data?.permissions ?? [];
  const may = (permission: Permission) => permissions.includes(permission);
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      {!may('organizations:manage') && <p className="muted">{t('admin.organizationScope')}</p>}
      <RoleConflicts />
      <InviteSection />
      <PeopleSection />
      {may('organizations:manage') && <OrganizationsSection />}
      {may('audit:read') && <AuditSection />}
      {may('settings:manage') && <ZonesSection />}
      {may('settings:manage') && <GroupingSection />}
      {may('settings:manage') && <PublishingSection />}
      {may('audit:read') && <RetentionSection />}
    </section>
  );
}
