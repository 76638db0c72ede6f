import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminPeople, OpenInvitations } from '../../../shared/admin.js';
import type { Role } from '../../../shared/roles.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useSession } from '../../session.js';
import { OrganizationSelect, RoleSelect, useOrganizationChoice } from './Selects.js';
import { formatWhen, useRefreshAdmin } from './shared.js';

/**
 * Open invitations, and people with their roles: grant, take away, disable —
 * each offered only where this admin may do it (never to themselves).
 */
export function PeopleSection() {
  const { t } = useTranslation();
  const session = useSession().data;
  const me = session?.user.id;
  const coalitionWide = session?.roles.includes('coalition_admin') ?? false;
  /** Admin roles are taken away by another admin; the coalition admin role only by a coalition admin. */
  const mayRemove = (personId: string, role: Role) =>
    (role !== 'coalition_admin' || coalitionWide) &&
    !(personId === me && (role === 'admin' || role === 'coalition_admin'));
  const refresh = useRefreshAdmin();
  const people = useQuery({
    queryKey: ['admin', 'people'],
    queryFn: () => api<AdminPeople>('/api/admin/people'),
  });
  const invitations = useQuery({
    queryKey: ['admin', 'invitations'],
    queryFn: () => api<OpenInvitations>('/api/admin/invitations'),
  });
  const change = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => api(path, { method: 'POST', body }),
    onSuccess: () => refresh(),
  });
  const act = (path: string, body?: unknown) => change.mutate({ path, body });

  return (
    <>
      <h2>{t('admin.invitations')}</h2>
      <ul className="plain">
        {invitations.data?.invitations.map((invitation) => (
          <li key={invitation.id}>
            {t(`roles.${invitation.role}`)} · {invitation.organizationName}
            {invitation.email ? ` · ${invitation.email}` : ''} ·{' '}
            {t('admin.expires', { time: formatWhen(invitation.expiresAt) })}{' '}
            <button
              type="button"
              className="link"
              onClick={() => act(`/api/admin/invitations/${invitation.id}/revoke`)}
            >
              {t('admin.revoke')}
            </button>
          </li>
        ))}
      </ul>

      <h2>{t('admin.people')}</h2>
      <ErrorSummary error={change.error} />
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
                <ul className="plain">
                  {person.memberships.map((m) => (
                    <li key={`${m.organizationId}-${m.role}`}>
                      {t(`roles.${m.role}`)} ({m.organizationName}){' '}
                      {mayRemove(person.id, m.role) && (
                        <button
                          type="button"
                          className="link"
                          aria-label={t('admin.removeRoleOf', {
                            role: t(`roles.${m.role}`),
                            name: person.displayName,
                          })}
                          onClick={() =>
                            act(`/api/admin/people/${person.id}/roles/revoke`, {
                              organizationId: m.organizationId,
                              role: m.role,
                            })
                          }
                        >
                          {t('admin.removeRole')}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
                {person.id === me ? (
                  <p className="muted">{t('admin.notOwnRoles')}</p>
                ) : (
                  <GrantRole
                    personName={person.displayName}
                    onGrant={(body) => act(`/api/admin/people/${person.id}/roles`, body)}
                  />
                )}
              </td>
              <td>
                {person.disabled ? t('admin.disabled') : t('admin.active')}{' '}
                {person.canChangeAccount ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() =>
                      act(`/api/admin/people/${person.id}/${person.disabled ? 'enable' : 'disable'}`)
                    }
                  >
                    {person.disabled ? t('admin.enable') : t('admin.disable')}
                  </button>
                ) : (
                  person.id !== me && <p className="muted">{t('admin.elsewhere')}</p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function GrantRole(props: {
  personName: string;
  onGrant: (body: { organizationId: string; role: Role }) => void;
}) {
  const { t } = useTranslation();
  const [organizationId, setOrganizationId] = useState('');
  const [role, setRole] = useState<Role>('responder');
  const orgId = useOrganizationChoice(organizationId);
  return (
    <div className="inline-form">
      <RoleSelect
        hiddenLabel
        label={t('admin.roleToAdd', { name: props.personName })}
        value={role}
        onChange={setRole}
      />
      <OrganizationSelect
        hiddenLabel
        label={t('admin.organizationToAdd', { name: props.personName })}
        value={orgId}
        onChange={setOrganizationId}
      />
      <button
        type="button"
        className="button"
        aria-label={t('admin.addRoleFor', { name: props.personName })}
        onClick={() => props.onGrant({ organizationId: orgId, role })}
      >
        {t('admin.addRole')}
      </button>
    </div>
  );
}
