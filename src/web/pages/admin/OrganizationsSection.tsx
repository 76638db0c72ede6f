import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminOrganization } from '../../../shared/admin.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { Field, StepForm } from '../../components/StepForm.js';
import { useZones } from '../../useZones.js';
import { useOrganizations, useRefreshAdmin } from './shared.js';

/** Member organizations and the zones each covers. */
export function OrganizationsSection() {
  const { t } = useTranslation();
  const organizations = useOrganizations();
  const zones = useZones();
  const refresh = useRefreshAdmin();
  const [name, setName] = useState('');
  return (
    <>
      {organizations.data?.organizations.map((org) => (
        <OrganizationZones
          key={org.id}
          organization={org}
          zones={zones.data?.zones ?? []}
          onSaved={refresh}
        />
      ))}
      <StepForm
        title={t('admin.addOrganization')}
        level={3}
        submit={t('admin.addOrganizationSubmit')}
        onSubmit={async () => {
          await api('/api/admin/organizations', { method: 'POST', body: { name } });
          setName('');
          await refresh();
        }}
      >
        <Field name="organization" label={t('admin.organizationName')} value={name} onChange={setName} />
      </StepForm>
    </>
  );
}

function OrganizationZones(props: {
  organization: AdminOrganization;
  zones: { id: string; name: string }[];
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Set<string>>(new Set(props.organization.zoneIds));
  const store = useMutation({
    mutationFn: (zoneIds: string[]) =>
      api(`/api/admin/organizations/${props.organization.id}/zones`, { method: 'PUT', body: { zoneIds } }),
    onSuccess: () => props.onSaved(),
  });
  const toggle = (zoneId: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(zoneId);
    else next.delete(zoneId);
    setSelected(next);
    store.reset();
  };
  return (
    <fieldset className="choices">
      <legend>{t('admin.zonesOf', { name: props.organization.name })}</legend>
      <div className="grid">
        {props.zones.map((zone) => (
          <label key={zone.id} className="choice">
            <input
              type="checkbox"
              checked={selected.has(zone.id)}
              onChange={(e) => toggle(zone.id, e.target.checked)}
            />
            <span>{zone.name}</span>
          </label>
        ))}
      </div>
      <button type="button" className="button" onClick={() => store.mutate([...selected])}>
        {t('admin.saveZones')}
      </button>
      {store.isSuccess && <span role="status"> {t('admin.saved')}</span>}
      <ErrorSummary error={store.error} />
    </fieldset>
  );
}
