import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponderState } from '../../../shared/dispatch.js';
import { IncidentChannel } from '../../components/IncidentChannel.js';
import { SceneReportForm } from './SceneReportForm.js';
import { clock, RESPONDER_KEY, type Send } from './state.js';

/** One assignment: the offer to answer, the way there, and on scene the check-ins and the report. */
export function AssignmentCard({
  assignment,
  send,
}: {
  assignment: ResponderState['assignments'][number];
  send: Send;
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
        <IncidentChannel incidentId={incident.id} queryKey={[...RESPONDER_KEY, 'messages', incident.id]} />
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
