import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ResponderState, SKILLS } from '../../shared/dispatch.js';
import { LANGUAGES } from '../../shared/report-fields.js';
import { ApiError, api } from '../api.js';
import { CheckboxGroup } from '../components/Choices.js';
import { IncidentChannel } from '../components/IncidentChannel.js';
import { StaffNotifyButton } from '../components/StaffNotifyButton.js';
import { useErrorText } from '../errors.js';
import { useZones } from '../useZones.js';
import { SceneReportForm } from './responder/SceneReportForm.js';

const KEY = ['responder'];
type Pending = { path: string; method: 'POST' | 'PUT' | 'DELETE'; body?: unknown };

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });

/**
 * The responder's phone: go on and off shift, share a coarse location, and
 * answer offers and report from the scene with big one-thumb buttons. An
 * action that cannot reach the server waits and is sent again by itself,
 * and the page says so rather than pretending.
 */
export default function ResponderPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const client = useQueryClient();
  const [hours, setHours] = useState('4');
  const [queued, setQueued] = useState<Pending[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [locationFailed, setLocationFailed] = useState(false);
  const state = useQuery({
    queryKey: KEY,
    queryFn: () => api<ResponderState>('/api/responder'),
    refetchInterval: 15_000,
  });
  // Offers and changes arrive live; the poll above is only the fallback of a dropped stream.
  useEffect(() => {
    const source = new EventSource('/api/responder/events');
    const refresh = () => void client.invalidateQueries({ queryKey: KEY });
    source.addEventListener('changed', refresh);
    source.addEventListener('ready', refresh);
    return () => source.close();
  }, [client]);

  const send = useCallback(
    async (action: Pending) => {
      setProblem(null);
      try {
        const result = await api<unknown>(action.path, { method: action.method, body: action.body });
        if (result && typeof result === 'object' && 'assignments' in result) client.setQueryData(KEY, result);
        await client.invalidateQueries({ queryKey: KEY });
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.isNetwork) {
          setQueued((list) => [...list, action]);
          return false;
        }
        setProblem(t('responder.failed', { message: errorText(error) }));
        // Refused: nothing was done, so nothing may say it was ("Profile saved" beside the error).
        return false;
      }
    },
    [client, t, errorText],
  );

  // Actions that could not be sent are tried again every few seconds, in order.
  const retrying = useRef(false);
  useEffect(() => {
    if (queued.length === 0) return;
    const timer = setInterval(async () => {
      if (retrying.current) return;
      retrying.current = true;
      const [first, ...rest] = queued;
      if (first) {
        setQueued(rest);
        await send(first);
      }
      retrying.current = false;
    }, 3000);
    return () => clearInterval(timer);
  }, [queued, send]);

  const shift = state.data?.shift ?? null;
  const sharing = shift?.sharingLocation ?? false;
  const share = useCallback(() => {
    if (!('geolocation' in navigator)) return setLocationFailed(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocationFailed(false);
        void send({
          path: '/api/responder/location',
          method: 'PUT',
          body: { lat: position.coords.latitude, lng: position.coords.longitude },
        });
      },
      () => setLocationFailed(true),
      { enableHighAccuracy: false, maximumAge: 60_000, timeout: 20_000 },
    );
  }, [send]);
  // While sharing, the coarse cell is refreshed every two minutes (overwritten, never a track).
  useEffect(() => {
    if (!sharing) return;
    const timer = setInterval(share, 120_000);
    return () => clearInterval(timer);
  }, [sharing, share]);

  return (
    <section className="responder">
      <h1>{t('responder.title')}</h1>
      {queued.length > 0 && (
        <p className="pending" role="status">
          {t('responder.pending')}
        </p>
      )}
      {problem && (
        <p className="error-summary" role="alert">
          {problem}
        </p>
      )}
      {state.data && !shift && (
        <div>
          <p>{t('responder.offShift')}</p>
          <label htmlFor="shift-hours">{t('responder.hours')}</label>
          <select id="shift-hours" value={hours} onChange={(e) => setHours(e.target.value)}>
            {[2, 4, 6, 8].map((n) => (
              <option key={n} value={n}>
                {t('responder.hoursOption', { count: n })}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button primary block"
            onClick={() =>
              void send({ path: '/api/responder/shift', method: 'POST', body: { hours: Number(hours) } })
            }
          >
            {t('responder.goOn')}
          </button>
        </div>
      )}
      {shift && (
        <div>
          <p data-testid="on-shift">{t('responder.onShiftUntil', { time: clock(shift.plannedEndAt) })}</p>
          <label className="choice">
            <input
              type="checkbox"
              checked={sharing}
              onChange={(e) =>
                e.target.checked ? share() : void send({ path: '/api/responder/location', method: 'DELETE' })
              }
            />
            <span>{t('responder.share')}</span>
          </label>
          {locationFailed && <p className="error-summary">{t('responder.locationFailed')}</p>}
          <StaffNotifyButton ask={t('responder.notify')} on={t('responder.notifyOn')} />
          <button
            type="button"
            className="button block"
            onClick={() => void send({ path: '/api/responder/shift/end', method: 'POST' })}
          >
            {t('responder.goOff')}
          </button>
        </div>
      )}
      {state.data && state.data.assignments.length === 0 && (
        <p className="muted">{t('responder.noAssignments')}</p>
      )}
      {state.data && <ProfileForm profile={state.data.profile} send={send} />}
      {state.data?.assignments.map((assignment) => (
        <AssignmentCard key={assignment.id} assignment={assignment} send={send} />
      ))}
    </section>
  );
}

function AssignmentCard({
  assignment,
  send,
}: {
  assignment: ResponderState['assignments'][number];
  send: (action: Pending) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const step = (action: string, body: object = {}) =>
    send({ path: `/api/responder/assignments/${assignment.id}`, method: 'POST', body: { action, ...body } });
  const checkIn = (status: 'safe' | 'help') =>
    send({ path: `/api/responder/assignments/${assignment.id}/check-in`, method: 'POST', body: { status } });
  const { incident } = assignment;
  return (
    <article
      className="assignment-card"
      data-testid="assignment-card"
      data-state={assignment.state}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>
        {t('responder.incident', { number: incident.number })} · {t(`report.activity.${incident.activity}`)}
      </h2>
      <p>
        {incident.zone?.name ?? t('dispatch.noZone')} ·{' '}
        <strong>{t(`responder.states.${assignment.state}`)}</strong>
      </p>
      {assignment.team.map((buddy) => (
        <p key={buddy.name} data-testid="buddy" className={buddy.safety === 'ok' ? '' : 'error-summary'}>
          {t(buddy.partner ? 'responder.partner' : 'responder.team', {
            name: buddy.name,
            state: t(`assignments.states.${buddy.state}`),
          })}
          {buddy.safety !== 'ok' && ` · ⚠ ${t(`assignments.safety.${buddy.safety}`)}`}
        </p>
      ))}
      {assignment.state !== 'offered' && (
        <IncidentChannel incidentId={incident.id} queryKey={[...KEY, 'messages', incident.id]} />
      )}
      {assignment.state === 'offered' && (
        <>
          <p className="hint">{t('responder.expiresIn', { time: clock(assignment.expiresAt) })}</p>
          <button type="button" className="button primary block" onClick={() => void step('accept')}>
            {t('responder.accept')}
          </button>
          <button type="button" className="button block" onClick={() => void step('decline')}>
            {t('responder.decline')}
          </button>
        </>
      )}
      {assignment.state === 'accepted' && (
        <button type="button" className="button block" onClick={() => void step('en_route')}>
          {t('responder.enRoute')}
        </button>
      )}
      {(assignment.state === 'accepted' || assignment.state === 'en_route') && (
        <button type="button" className="button primary block" onClick={() => void step('on_scene')}>
          {t('responder.onScene')}
        </button>
      )}
      {assignment.state === 'on_scene' && (
        <>
          {assignment.safety === 'missed' && (
            <p className="error-summary" role="alert" data-testid="missed-check-in">
              {t(assignment.escalated ? 'responder.missedEscalated' : 'responder.missed')}
            </p>
          )}
          {assignment.safety === 'help' && (
            <p className="error-summary" role="alert" data-testid="help-sent">
              {t('responder.helpSent')}
            </p>
          )}
          {assignment.checkInDueAt && assignment.safety !== 'missed' && (
            <p className="hint">{t('responder.checkInDue', { time: clock(assignment.checkInDueAt) })}</p>
          )}
          <div className="actions">
            <button type="button" className="button primary" onClick={() => void checkIn('safe')}>
              {t('responder.safe')}
            </button>
            <button type="button" className="button danger" onClick={() => void checkIn('help')}>
              {t('responder.help')}
            </button>
          </div>
          <SceneReportForm
            activity={incident.activity}
            onSend={(report) => void step('reported', { report })}
          />
        </>
      )}
    </article>
  );
}

/** Languages, skills, home zones and phone numbers, folded away: set once, rarely changed. */
function ProfileForm({
  profile,
  send,
}: {
  profile: ResponderState['profile'];
  send: (action: Pending) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [languages, setLanguages] = useState<string[]>(profile.languages);
  const [skills, setSkills] = useState<string[]>(profile.skills);
  const [homeZoneIds, setHomeZoneIds] = useState<string[]>(profile.homeZoneIds);
  const [backupPhone, setBackupPhone] = useState('');
  const [offerPhone, setOfferPhone] = useState('');
  const [saved, setSaved] = useState(false);
  const zones = useZones();
  const save = async () => {
    setSaved(false);
    const body = {
      languages,
      skills,
      homeZoneIds,
      ...(backupPhone ? { backupPhone } : {}),
      ...(offerPhone ? { offerPhone } : {}),
    };
    if (await send({ path: '/api/responder/profile', method: 'PUT', body })) setSaved(true);
  };
  return (
    <details className="profile">
      <summary>{t('responder.profile')}</summary>
      <CheckboxGroup
        legend={t('responder.languages')}
        name={`${id}-languages`}
        options={LANGUAGES.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
        values={languages}
        onChange={setLanguages}
      />
      <CheckboxGroup
        legend={t('responder.skills')}
        name={`${id}-skills`}
        options={SKILLS.map((s) => ({ value: s, label: t(`responder.skillOptions.${s}`) }))}
        values={skills}
        onChange={setSkills}
      />
      {(zones.data?.zones.length ?? 0) > 0 && (
        <CheckboxGroup
          legend={t('responder.homeZones')}
          name={`${id}-zones`}
          options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
          values={homeZoneIds}
          onChange={setHomeZoneIds}
        />
      )}
      <label htmlFor={`${id}-offer-phone`}>{t('responder.offerPhone')}</label>
      <input
        id={`${id}-offer-phone`}
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        placeholder={profile.offerPhone ?? ''}
        value={offerPhone}
        aria-describedby={`${id}-offer-phone-hint`}
        onChange={(e) => setOfferPhone(e.target.value)}
      />
      <p className="hint" id={`${id}-offer-phone-hint`}>
        {t('responder.offerPhoneHint')}
      </p>
      <label htmlFor={`${id}-backup`}>{t('responder.backupPhone')}</label>
      <input
        id={`${id}-backup`}
        type="tel"
        inputMode="tel"
        placeholder={profile.backupPhone ?? ''}
        value={backupPhone}
        onChange={(e) => setBackupPhone(e.target.value)}
      />
      <button type="button" className="button block" onClick={() => void save()}>
        {t('responder.saveProfile')}
      </button>
      {saved && <p role="status">{t('responder.profileSaved')}</p>}
    </details>
  );
}
