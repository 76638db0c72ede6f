import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponderState } from '../../shared/dispatch.js';
import { ApiError, api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { StaffNotifyButton } from '../components/StaffNotifyButton.js';
import { usePageTitle } from '../pageTitle.js';
import { useTimeFormat } from '../time.js';
import { AssignmentCard } from './responder/AssignmentCard.js';
import { minutesAndSeconds, useSecondsLeft } from './responder/Countdown.js';
import { resumeEvidence } from './responder/evidence-queue.js';
import { NeedHelp } from './responder/NeedHelp.js';
import { ProfileForm } from './responder/ProfileForm.js';
import { type Pending, RESPONDER_KEY } from './responder/state.js';

type Assignments = ResponderState['assignments'];

/** What needs the responder first: offers (they run out), then what they are out on. */
const byUrgency = (assignments: Assignments) => [
  ...assignments.filter((a) => a.state === 'offered'),
  ...assignments.filter((a) => a.state !== 'offered'),
];

/**
 * The responder's phone, for one hand: the current offer (with its deadline) or assignment first,
 * then the shift and the profile; "Need help" fixed to the bottom of the screen while on scene;
 * the tab's title says the state. An action that cannot reach the server waits and is sent again
 * by itself, and the page says so rather than pretending.
 */
export default function ResponderPage() {
  const { t } = useTranslation();
  const clock = useTimeFormat();
  const client = useQueryClient();
  const [hours, setHours] = useState('4');
  const [queued, setQueued] = useState<Pending[]>([]);
  const [locationFailed, setLocationFailed] = useState(false);
  const state = useQuery({
    queryKey: RESPONDER_KEY,
    queryFn: () => api<ResponderState>('/api/responder'),
    refetchInterval: 15_000,
  });
  // Recordings an earlier visit left on the phone go on to the server (and whenever the connection returns).
  useEffect(() => resumeEvidence(), []);
  // Offers and changes arrive live; the poll above is only the fallback of a dropped stream.
  useEffect(() => {
    const source = new EventSource('/api/responder/events');
    const refresh = () => void client.invalidateQueries({ queryKey: RESPONDER_KEY });
    source.addEventListener('changed', refresh);
    source.addEventListener('ready', refresh);
    return () => source.close();
  }, [client]);

  const action = useMutation({
    mutationFn: (pending: Pending) =>
      api<unknown>(pending.path, { method: pending.method, body: pending.body }),
    onSuccess: async (result) => {
      if (result && typeof result === 'object' && 'assignments' in result)
        client.setQueryData(RESPONDER_KEY, result);
      await client.invalidateQueries({ queryKey: RESPONDER_KEY });
    },
    // Not sent at all: kept, and sent again by itself.
    onError: (error, pending) => {
      if (error instanceof ApiError && error.isNetwork) setQueued((list) => [...list, pending]);
    },
  });
  const { mutateAsync } = action;
  /** Sends an action; true once the server took it. A refusal says why, and nothing may say it was done. */
  const send = useCallback(
    (pending: Pending) =>
      mutateAsync(pending).then(
        () => true,
        () => false,
      ),
    [mutateAsync],
  );
  const refused = action.error instanceof ApiError && action.error.isNetwork ? null : action.error;

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

  const assignments = byUrgency(state.data?.assignments ?? []);
  const offer = assignments.find((a) => a.state === 'offered');
  const onScene = assignments.find((a) => a.state === 'on_scene');
  const offerLeft = useSecondsLeft(offer?.expiresAt ?? null);
  usePageTitle(
    !state.data
      ? t('responder.title')
      : offer && offerLeft !== null
        ? t('responder.pageTitle.offer', { left: minutesAndSeconds(offerLeft) })
        : assignments.length > 0
          ? t('responder.pageTitle.assigned')
          : t(shift ? 'responder.pageTitle.onShift' : 'responder.pageTitle.offShift'),
  );

  return (
    <section
      className={onScene ? 'responder with-help' : 'responder'}
      data-testid={state.data ? 'responder-ready' : undefined}
    >
      <h1>{t('responder.title')}</h1>
      {queued.length > 0 && (
        <p className="pending" role="status">
          {t('responder.pending')}
        </p>
      )}
      <ErrorSummary error={refused} say={(message) => t('responder.failed', { message })} />
      {assignments.map((assignment) => (
        <AssignmentCard key={assignment.id} assignment={assignment} send={send} />
      ))}
      {/* Offers come only on shift: off shift, the way onto one comes first. */}
      {shift && assignments.length === 0 && <p className="muted">{t('responder.noAssignments')}</p>}
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
      {state.data && <ProfileForm profile={state.data.profile} send={send} />}
      {onScene && (
        <NeedHelp
          onConfirm={() =>
            send({
              path: `/api/responder/assignments/${onScene.id}/check-in`,
              method: 'POST',
              body: { status: 'help' },
            })
          }
        />
      )}
    </section>
  );
}
