import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../shared/roles.js';
import { api } from '../api.js';
import { Field, StepForm } from '../components/SignInSteps.js';
import { currentLanguage } from '../i18n.js';

interface Organization {
  id: string;
  name: string;
}
interface Person {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  memberships: { organizationName: string; role: Role }[];
}
interface Invitation {
  id: string;
  organizationName: string;
  role: Role;
  email: string | null;
  expiresAt: string;
}

const when = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** Coalition admin: invite people, see who has which role, disable accounts, export the audit log. */
export default function AdminPage() {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const organizations = useQuery({
    queryKey: ['admin', 'organizations'],
    queryFn: () => api<{ organizations: Organization[] }>('/api/admin/organizations'),
  });
  const people = useQuery({
    queryKey: ['admin', 'people'],
    queryFn: () => api<{ people: Person[] }>('/api/admin/people'),
  });
  const invitations = useQuery({
    queryKey: ['admin', 'invitations'],
    queryFn: () => api<{ invitations: Invitation[] }>('/api/admin/invitations'),
  });
  const [organizationId, setOrganizationId] = useState('');
  const [role, setRole] = useState<Role>('dispatcher');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<{ code: string; link: string; expiresAt: string } | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['admin'] });

  const orgId = organizationId || organizations.data?.organizations[0]?.id || '';
  return (
    <section>
      <h1>{t('admin.title')}</h1>

      <StepForm
        title={t('admin.invite.title')}
        intro={<p>{t('admin.invite.intro')}</p>}
        submit={t('admin.invite.submit')}
        onSubmit={async () => {
          setCreated(
            await api('/api/admin/invitations', {
              method: 'POST',
              body: { organizationId: orgId, role, ...(email.trim() ? { email: email.trim() } : {}) },
            }),
          );
          await refresh();
        }}
      >
        <label htmlFor={`${id}-org`}>{t('admin.invite.organization')}</label>
        <select id={`${id}-org`} value={orgId} onChange={(e) => setOrganizationId(e.target.value)}>
          {organizations.data?.organizations.map((org) => (
            <option key={org.id} value={org.id}>
              {org.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-role`}>{t('admin.invite.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((value) => (
            <option key={value} value={value}>
              {t(`roles.${value}`)}
            </option>
          ))}
        </select>
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
          <p>{t('admin.invite.created', { time: when(created.expiresAt) })}</p>
          <p className="receipt" data-testid="invite-code">
            {created.code}
          </p>
          <p className="mono break">{created.link}</p>
        </div>
      )}

      <h2>{t('admin.invitations')}</h2>
      <ul className="plain">
        {invitations.data?.invitations.map((invitation) => (
          <li key={invitation.id}>
            {t(`roles.${invitation.role}`)} · {invitation.organizationName}
            {invitation.email ? ` · ${invitation.email}` : ''} ·{' '}
            {t('admin.expires', { time: when(invitation.expiresAt) })}{' '}
            <button
              type="button"
              className="link"
              onClick={async () => {
                await api(`/api/admin/invitations/${invitation.id}/revoke`, { method: 'POST' });
                await refresh();
              }}
            >
              {t('admin.revoke')}
            </button>
          </li>
        ))}
      </ul>

      <h2>{t('admin.people')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">{t('admin.roles')}</th>
            <th scope="col">{t('admin.status')}</th>
          </tr>
        </thead>
        <tbody>
          {people.data?.people.map((person) => (
            <tr key={person.id} data-testid="person-row">
              <td>
                {person.displayName}
                <br />
                <span className="muted">{person.email}</span>
              </td>
              <td>
                {person.memberships.map((m) => `${t(`roles.${m.role}`)} (${m.organizationName})`).join(', ')}
              </td>
              <td>
                {person.disabled ? t('admin.disabled') : t('admin.active')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={async () => {
                    await api(`/api/admin/people/${person.id}/${person.disabled ? 'enable' : 'disable'}`, {
                      method: 'POST',
                    });
                    await refresh();
                  }}
                >
                  {person.disabled ? t('admin.enable') : t('admin.disable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('admin.audit')}</h2>
      <p>
        <a className="button" href="/api/admin/audit.csv" download>
          {t('admin.auditCsv')}
        </a>
      </p>
    </section>
  );
}
