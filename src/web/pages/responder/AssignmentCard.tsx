import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponderState } from '../../../shared/dispatch.js';
import { IncidentChannel } from '../../components/IncidentChannel.js';
import { useTimeFormat } from '../../time.js';
import { AssignmentWhat, AssignmentWhere } from './AssignmentBrief.js';
import { Countdown } from './Countdown.js';
import { EvidenceRecorder } from './EvidenceRecorder.js';
import { ObserverNotes } from './ObserverNotes.js';
import { SceneReportForm } from './SceneReportForm.js';
import { RESPONDER_KEY, type Send } from './state.js';

/**
 * One assignment, what matters first: an offer's deadline and its two answers; once accepted,
 * where to go (cross streets, the maps app), the next step, what was reported; on scene the
 * check-in and the report. "Need help" is not here: it is fixed to the screen (NeedHelp).
 */
export function AssignmentCard({
  assignment,
  send,
}: {
  assignment: ResponderState['assignments'][number];
  send: Send;
}) {
  const { t } = useTranslation();
  const clock = useTimeFormat();
  const id = useId();
  const step = (action: string, body: object = {}) =>
    send({ path: `/api/responder/assignments/${assignment.id}`, method: 'POST', body: { action, ...body } });
  const safe = () =>
    send({
      path: `/api/responder/assignments/${assignment.id}/check-in`,
      method: 'POST',
      body: { status: 'safe' },
    });
  const { incident, brief, state } = assignment;
  return (
    <article
      className="assignment-card"
      data-testid="assignment-card"
      data-state={state}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>
        {t('responder.incident', { number: incident.number })} · {t(`report.activity.${incident.activity}`)}
      </h2>
      <p className="assignment-state">
        {incident.zone?.name ?? t('dispatch.noZone')} · <strong>{t(`responder.states.${state}`)}</strong>
      </p>
      {state === 'on_scene' && assignment.safety === 'missed' && (
        <p className="error-summary" role="alert" data-testid="missed-check-in">
          {t(assignment.escalated ? 'responder.missedEscalated' : 'responder.missed')}
        </p>
      )}
      {state === 'on_scene' && assignment.safety === 'help' && (
        <p className="error-summary" role="alert" data-testid="help-sent">
          {t('responder.helpSent')}
        </p>
      )}
      {state === 'offered' && (
        <>
          <Countdown deadline={assignment.expiresAt} />
          <button type="button" className="button primary block" onClick={() => void step('accept')}>
            {t('responder.accept')}
          </button>
          <button type="button" className="button block" onClick={() => void step('decline')}>
            {t('responder.decline')}
          </button>
        </>
      )}
      {state === 'on_scene' && (
        <>
          {assignment.checkInDueAt && assignment.safety !== 'missed' && (
            <p className="hint">{t('responder.checkInDue', { time: clock(assignment.checkInDueAt) })}</p>
          )}
          <button type="button" className="button primary block" onClick={() => void safe()}>
            {t('responder.safe')}
          </button>
        </>
      )}
      {brief && <AssignmentWhere brief={brief} />}
      {state === 'accepted' && (
        <button type="button" className="button block" onClick={() => void step('en_route')}>
          {t('responder.enRoute')}
        </button>
      )}
      {(state === 'accepted' || state === 'en_route') && (
        <button type="button" className="button primary block" onClick={() => void step('on_scene')}>
          {t('responder.onScene')}
        </button>
      )}
      {brief && <AssignmentWhat brief={brief} />}
      {assignment.team.map((buddy) => (
        <p key={buddy.name} data-testid="buddy" className={buddy.safety === 'ok' ? '' : 'error-summary'}>
          {t(buddy.partner ? 'responder.partner' : 'responder.team', {
            name: buddy.name,
            state: t(`assignments.states.${buddy.state}`),
          })}
          {buddy.safety !== 'ok' && ` · ⚠ ${t(`assignments.safety.${buddy.safety}`)}`}
        </p>
      ))}
      {(state === 'en_route' || state === 'on_scene') && (
        <>
          <EvidenceRecorder incidentId={incident.id} />
          <ObserverNotes incidentId={incident.id} />
        </>
      )}
      {state === 'on_scene' && (
        <SceneReportForm
          activity={incident.activity}
          onSend={(report) => void step('reported', { report })}
        />
      )}
      {state !== 'offered' && (
        <IncidentChannel incidentId={incident.id} queryKey={[...RESPONDER_KEY, 'messages', incident.id]} />
      )}
    </article>
  );
}
