import { startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorSummary } from './ErrorSummary.js';
import { Field, StepForm } from './StepForm.js';

interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The account page's passkeys: add one (this phone, a security key), remove one. */
export function PasskeySection() {
  const { t } = useTranslation();
  const passkeys = useQuery({
    queryKey: ['passkeys'],
    queryFn: () => api<{ passkeys: Passkey[] }>('/api/account/passkeys'),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      api(`/api/account/passkeys/${encodeURIComponent(id)}/remove`, { method: 'POST' }),
    onSuccess: () => passkeys.refetch(),
  });
  const [name, setName] = useState('');
  const supported = typeof window !== 'undefined' && 'PublicKeyCredential' in window;
  return (
    <>
      <h2>{t('account.passkeys.title')}</h2>
      <p>{t('account.passkeys.intro')}</p>
      <ul className="plain" data-testid="passkeys">
        {passkeys.data?.passkeys.map((passkey) => (
          <li key={passkey.id}>
            {passkey.name}{' '}
            <button type="button" className="link" onClick={() => remove.mutate(passkey.id)}>
              {t('account.passkeys.remove')}
            </button>
          </li>
        ))}
      </ul>
      <ErrorSummary error={remove.error} />
      {supported ? (
        <StepForm
          title={t('account.passkeys.add')}
          level={3}
          submit={t('account.passkeys.addSubmit')}
          errors={{ VALIDATION: t('account.passkeys.failed') }}
          onSubmit={async () => {
            const optionsJSON = await api<Parameters<typeof startRegistration>[0]['optionsJSON']>(
              '/api/account/passkeys/options',
              { method: 'POST' },
            );
            const response = await startRegistration({ optionsJSON });
            await api('/api/account/passkeys', {
              method: 'POST',
              body: { name: name.trim() || t('account.passkeys.defaultName'), response },
            });
            setName('');
            await passkeys.refetch();
          }}
        >
          <Field
            name="passkey-name"
            label={t('account.passkeys.name')}
            hint={t('account.passkeys.nameHint')}
            value={name}
            onChange={setName}
          />
        </StepForm>
      ) : (
        <p className="muted">{t('account.passkeys.unsupported')}</p>
      )}
    </>
  );
}
