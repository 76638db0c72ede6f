import { useTranslation } from 'react-i18next';
import { AuditSection } from './admin/AuditSection.js';
import { GroupingSection } from './admin/GroupingSection.js';
import { InviteSection } from './admin/InviteSection.js';
import { OrganizationsSection } from './admin/OrganizationsSection.js';
import { PeopleSection } from './admin/PeopleSection.js';
import { PublishingSection } from './admin/PublishingSection.js';
import { RetentionSection } from './admin/RetentionSection.js';
import { ZonesSection } from './admin/ZonesSection.js';

/** Coalition admin: invite people, manage roles and organizations, export the audit log, the publishing guard's lists, see the retention policy. */
export default function AdminPage() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('admin.title')}</h1>
      <InviteSection />
      <PeopleSection />
      <OrganizationsSection />
      <AuditSection />
      <ZonesSection />
      <GroupingSection />
      <PublishingSection />
      <RetentionSection />
    </section>
  );
}
