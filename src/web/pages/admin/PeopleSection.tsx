import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminPeople } from '../../../shared/admin.js';
import type { Role } from '../../../shared/roles.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { TableScroll } from '../../components/TableScroll.js';
import { useSession } from '../../session.js';
import { OrganizationSelect, RoleSelect, useOrganizationChoice } from './Selects.js';
import { useRefreshAdmin } from './shared.js';

/**
 * People with their roles: grant, take away, disable — each offered only
 * where this admin may do it (never to themselves).
 */
export function PeopleSection() {
  const { t } = useTranslation();
  const id = useId();
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
  const change = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => api(path, { method: 'POST', body }),
    onSuccess: () => refresh(),
  });
  const act = (path: string, body?: unknown) => change.mutate({ path, body });

  return (
    <>
      <ErrorSummary error={change.error} />
      <TableScroll captionId={`${id}-caption`}>
        <table className="table people-table">
          <caption id={`${id}-caption`} className="hint">
            {t('admin.peopleCaption')}
          </caption>
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
                <td data-label={t('admin.roles')}>
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
                <td data-label={t('admin.status')}>
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
      </TableScroll>
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
