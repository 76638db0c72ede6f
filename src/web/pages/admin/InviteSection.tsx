import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitationCreated, OpenInvitations as OpenInvitationList } from '../../../shared/admin.js';
import type { Role } from '../../../shared/roles.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { Field, StepForm } from '../../components/StepForm.js';
import { OrganizationSelect, RoleSelect, useOrganizationChoice } from './Selects.js';
import { formatWhen, useRefreshAdmin } from './shared.js';

/** Create an invitation: organization, role, optionally an e-mail; shows the code and link once. */
export function InviteSection() {
  const { t } = useTranslation();
  const refresh = useRefreshAdmin();
  const [organizationId, setOrganizationId] = useState('');
  const [role, setRole] = useState<Role>('dispatcher');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const [sentTo, setSentTo] = useState('');
  const orgId = useOrganizationChoice(organizationId);
  return (
    <>
      <StepForm
        title={t('admin.invite.title')}
        level={3}
        intro={<p>{t('admin.invite.intro')}</p>}
        submit={t('admin.invite.submit')}
        onSubmit={async () => {
          setSentTo(email.trim());
          setCreated(
            await api('/api/admin/invitations', {
              method: 'POST',
              body: { organizationId: orgId, role, ...(email.trim() ? { email: email.trim() } : {}) },
            }),
          );
          await refresh();
        }}
      >
        <OrganizationSelect
          label={t('admin.invite.organization')}
          value={orgId}
          onChange={setOrganizationId}
        />
        <RoleSelect label={t('admin.invite.role')} value={role} onChange={setRole} />
        <Field
          name="email"
          label={t('admin.invite.email')}
          hint={t('admin.invite.emailHint')}
          type="email"
          value={email}
          onChange={setEmail}
        />
      </StepForm>
      {created && (
        <div className="status-card" role="status">
          <p>{t('admin.invite.created', { time: formatWhen(created.expiresAt) })}</p>
          {created.emailed && <p>{t('admin.invite.emailed', { email: sentTo })}</p>}
          <p className="receipt" data-testid="invite-code">
            {created.code}
          </p>
          <p className="mono break">{created.link}</p>
        </div>
      )}
    </>
  );
}

/** The invitations not used yet, each with a way to revoke it. */
export function OpenInvitations() {
  const { t } = useTranslation();
  const refresh = useRefreshAdmin();
  const invitations = useQuery({
    queryKey: ['admin', 'invitations'],
    queryFn: () => api<OpenInvitationList>('/api/admin/invitations'),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/admin/invitations/${id}/revoke`, { method: 'POST' }),
    onSuccess: () => refresh(),
  });
  const list = invitations.data?.invitations ?? [];
  return (
    <>
      <h3>{t('admin.invitations')}</h3>
      <ErrorSummary error={revoke.error} />
      {invitations.data && list.length === 0 && <p className="muted">{t('admin.noInvitations')}</p>}
      <ul className="plain break">
        {list.map((invitation) => (
          <li key={invitation.id}>
            {t(`roles.${invitation.role}`)} · {invitation.organizationName}
            {invitation.email ? ` · ${invitation.email}` : ''} ·{' '}
            {t('admin.expires', { time: formatWhen(invitation.expiresAt) })}{' '}
            <button type="button" className="link" onClick={() => revoke.mutate(invitation.id)}>
              {t('admin.revoke')}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
