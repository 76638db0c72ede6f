import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanView } from '../../shared/plan.js';
import { ApiError, api } from '../api.js';
import { CodeField, PinField } from '../components/CodeField.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { usePageTitle } from '../pageTitle.js';
import { prepareProofOfWork, takeProofOfWork } from '../pow.js';
import { useHydrated } from '../server-page.js';
import { useUndoCountdown } from './plan/countdown.js';
import { type PlanDraft, PlanForm } from './plan/PlanForm.js';
import { PasskeyStart, PlanPasskeys } from './plan/PlanPasskey.js';

type Credentials = { code: string; pin: string };
type View =
  | { kind: 'start' }
  | { kind: 'write' }
  | { kind: 'created'; code: string }
  | { kind: 'opened'; credentials: Credentials; plan: PlanView }
  | { kind: 'edit'; credentials: Credentials; plan: PlanView };

/**
 * `/plan`: a member writes an emergency plan without an account, and later
 * opens it with its code and PIN to edit, test, deactivate or activate it.
 * The code and PIN live only in this page's memory and in POST bodies. The
 * undo window is here: the activation is posted only after UNDO_SECONDS, so a
 * mistaken press never leaves the phone (see ARCHITECTURE.md, Emergency plans).
 */
export function PlanPage() {
  const { t } = useTranslation();
  usePageTitle(t('titles.plan'));
  const [view, setView] = useState<View>({ kind: 'start' });
  return (
    <section className="plan-page">
      <h1>{t('plan.title')}</h1>
      {view.kind === 'start' && <PlanStart onWrite={() => setView({ kind: 'write' })} onOpened={setView} />}
      {view.kind === 'write' && (
        <WritePlan
          onCreated={(code) => setView({ kind: 'created', code })}
          onCancel={() => setView({ kind: 'start' })}
        />
      )}
      {view.kind === 'created' && (
        <div className="status-card" data-testid="plan-code">
          <p>{t('plan.codeOnce')}</p>
          <p className="receipt">{view.code}</p>
          <p className="hint">{t('plan.codeAdvice')}</p>
          <button type="button" className="button primary block" onClick={() => setView({ kind: 'start' })}>
            {t('plan.wroteItDown')}
          </button>
        </div>
      )}
      {view.kind === 'opened' && <OpenedPlan view={view} onEdit={() => setView({ ...view, kind: 'edit' })} />}
      {view.kind === 'edit' && (
        <EditPlan
          view={view}
          onSaved={(plan) => setView({ kind: 'opened', credentials: view.credentials, plan })}
          onCancel={() => setView({ ...view, kind: 'opened' })}
        />
      )}
    </section>
  );
}

function PlanStart({ onWrite, onOpened }: { onWrite: () => void; onOpened: (view: View) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  // Writing a plan happens in the browser: the button appears once scripts run (on the server's page
  // a tap before then did nothing, on a slow phone for seconds).
  const hydrated = useHydrated();
  const open = useMutation({
    mutationFn: (credentials: Credentials) =>
      api<PlanView>('/api/plans/open', { method: 'POST', body: credentials }),
    onSuccess: (plan, credentials) => onOpened({ kind: 'opened', credentials, plan }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate({ code, pin });
  };
  return (
    <>
      <p>{t('plan.intro')}</p>
      <PasskeyStart />
      {hydrated && (
        <button type="button" className="button primary block" onClick={onWrite}>
          {t('plan.write')}
        </button>
      )}
      <h2>{t('plan.openTitle')}</h2>
      <form onSubmit={onSubmit} noValidate>
        <CodeField id={`${id}-code`} label={t('plan.code')} value={code} onChange={setCode} />
        <PinField id={`${id}-pin`} label={t('plan.pin')} value={pin} onChange={setPin} />
        <button type="submit" className="button block" disabled={open.isPending}>
          {t('plan.open')}
        </button>
      </form>
      <div aria-live="polite">
        <ErrorSummary
          error={open.error}
          overrides={{ NOT_FOUND: t('plan.noMatch'), VALIDATION: t('plan.noMatch') }}
        />
      </div>
    </>
  );
}

function WritePlan({ onCreated, onCancel }: { onCreated: (code: string) => void; onCancel: () => void }) {
  // The report form's security check, solved in the background while the plan is written: a plan
  // texts up to fifteen numbers, so a script writing plans pays for each.
  useEffect(prepareProofOfWork, []);
  const create = useMutation({
    mutationFn: async (draft: PlanDraft) => {
      const send = async () =>
        api<{ code: string }>('/api/plans', {
          method: 'POST',
          body: draft,
          headers: await takeProofOfWork(),
        });
      // A check that expired while the plan was being written is redone once, without asking.
      return send().catch((error: unknown) => {
        if (error instanceof ApiError && error.details.proofOfWork) return send();
        throw error;
      });
    },
    onSuccess: (created) => onCreated(created.code),
  });
  return (
    <>
      <PlanForm
        askPin
        pending={create.isPending}
        onSave={(draft) => create.mutate(draft)}
        onCancel={onCancel}
      />
      <div aria-live="polite">
        <ErrorSummary error={create.error} />
      </div>
    </>
  );
}

function EditPlan({
  view,
  onSaved,
  onCancel,
}: {
  view: Extract<View, { kind: 'edit' }>;
  onSaved: (plan: PlanView) => void;
  onCancel: () => void;
}) {
  const save = useMutation({
    mutationFn: async (draft: PlanDraft) => {
      await api('/api/plans/update', { method: 'POST', body: { ...view.credentials, plan: draft } });
      return api<PlanView>('/api/plans/open', { method: 'POST', body: view.credentials });
    },
    onSuccess: onSaved,
  });
  return (
    <>
      <PlanForm
        initial={view.plan}
        askPin={false}
        pending={save.isPending}
        onSave={(draft) => save.mutate(draft)}
        onCancel={onCancel}
      />
      <div aria-live="polite">
        <ErrorSummary error={save.error} />
      </div>
    </>
  );
}

function OpenedPlan({ view, onEdit }: { view: Extract<View, { kind: 'opened' }>; onEdit: () => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState(view.plan.state);
  const activate = useMutation({
    mutationFn: (test: boolean) =>
      api<{ messages: number; test: boolean }>('/api/plans/activate', {
        method: 'POST',
        body: { ...view.credentials, test },
      }),
  });
  const deactivate = useMutation({
    mutationFn: () => api('/api/plans/deactivate', { method: 'POST', body: view.credentials }),
    onSuccess: () => setState('deactivated'),
  });
  const undo = useUndoCountdown<boolean>((test) => activate.mutate(test));
  const countdown = undo.left ? { left: undo.left.seconds, test: undo.left.value } : null;
  const stop = undo.stop;
  const start = (test: boolean) => {
    activate.reset();
    undo.start(test);
  };
  return (
    <>
      <p data-testid="plan-state">
        {t(`plan.state.${state}`)} · {t('plan.contactCount', { count: view.plan.contacts.length })}
      </p>
      {countdown ? (
        <div className="plan-countdown" role="status">
          <p>{t(countdown.test ? 'plan.testingIn' : 'plan.activatingIn', { seconds: countdown.left })}</p>
          <button type="button" className="button primary block plan-undo" onClick={stop}>
            {t('plan.undo')}
          </button>
        </div>
      ) : (
        <>
          <button
            type="button"
            className="button danger block plan-activate"
            disabled={state !== 'active' || activate.isPending}
            onClick={() => start(false)}
          >
            {t('plan.activate')}
          </button>
          <button
            type="button"
            className="button block"
            disabled={state !== 'active' || !view.plan.memberPhone || activate.isPending}
            onClick={() => start(true)}
          >
            {t('plan.test')}
          </button>
        </>
      )}
      <div aria-live="polite">
        {activate.data && (
          <p className="status-card" data-testid="plan-activated">
            {t(activate.data.test ? 'plan.tested' : 'plan.activated', { count: activate.data.messages })}
          </p>
        )}
        <ErrorSummary error={activate.error ?? deactivate.error} />
      </div>
      <button type="button" className="button block" onClick={onEdit}>
        {t('plan.edit')}
      </button>
      {state === 'active' && (
        <button type="button" className="button block" onClick={() => deactivate.mutate()}>
          {t('plan.deactivate')}
        </button>
      )}
      <PlanPasskeys credentials={view.credentials} count={view.plan.passkeys} />
    </>
  );
}
