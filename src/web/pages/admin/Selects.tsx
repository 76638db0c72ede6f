import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { COALITION_REACH_ROLES, ROLES, type Role } from '../../../shared/roles.js';
import { useSession } from '../../session.js';
import { useOrganizations } from './shared.js';

/** A labelled organization picker; with no choice made yet, the first organization is shown and meant. */
export function OrganizationSelect(props: {
  label: string;
  hiddenLabel?: boolean;
  value: string;
  onChange: (id: string) => void;
}) {
  const id = useId();
  const organizations = useOrganizations();
  return (
    <>
      <label htmlFor={id} className={props.hiddenLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {organizations.data?.organizations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** The roles this admin may hand out: those that reach the whole coalition only by a coalition admin. */
export function useGrantableRoles(): readonly Role[] {
  const coalitionWide = useSession().data?.roles.includes('coalition_admin') ?? false;
  return coalitionWide ? ROLES : ROLES.filter((role) => !COALITION_REACH_ROLES.includes(role));
}

/** A labelled role picker, offering the roles this admin may hand out. */
export function RoleSelect(props: {
  label: string;
  hiddenLabel?: boolean;
  value: Role;
  onChange: (role: Role) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const roles = useGrantableRoles();
  return (
    <>
      <label htmlFor={id} className={props.hiddenLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as Role)}>
        {roles.map((value) => (
          <option key={value} value={value}>
            {t(`roles.${value}`)}
          </option>
        ))}
      </select>
    </>
  );
}

/** The chosen organization, or the first one while none is chosen. */
export function useOrganizationChoice(chosen: string): string {
  const organizations = useOrganizations();
  return chosen || organizations.data?.organizations[0]?.id || '';
}
