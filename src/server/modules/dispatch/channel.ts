import { z } from 'zod';
import type { Permission } from '../../../shared/permissions.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.repo.js';
import {
  channelTeam,
  findVoiceNote,
  incidentExists,
  insertChannelMessage,
  listChannelMessages,
} from './channel.repo.js';

/**
 * The incident channel: a thread per incident for dispatchers and the team
 * sent to it, in text or short voice notes recorded in the browser. Who may
 * read and write is decided here: a person with `incidents:channel`, or a
 * responder while they hold an assignment on this one (anyone else is told it
 * does not exist). Each message is an event for the board and for every
 * responder on the incident. Text and audio are sealed.
 */

export const messageInputSchema = z.object({ text: z.string().trim().min(1).max(2000) });
export const messageListSchema = z.object({
  messages: z.array(
    z.object({
      id: z.number().int(),
      author: z.string(),
      text: z.string(),
      /** A voice note: its audio is at `/api/incidents/:id/messages/:messageId/audio`. */
      voice: z.boolean(),
      at: z.string(),
      mine: z.boolean(),
    }),
  ),
});
export type MessageList = z.infer<typeof messageListSchema>;

/** Voice notes as browsers record them (MediaRecorder): WebM or Ogg (Opus), or MP4 on Safari. */
export const VOICE_TYPES = ['audio/webm', 'audio/ogg', 'audio/mp4'] as const;
/** About a minute of Opus speech, with room to spare. */
export const VOICE_MAX_BYTES = 1024 * 1024;

/** The file really is what it says: its first bytes, not only its content type. */
export function looksLikeAudio(data: Uint8Array, type: string): boolean {
  const head = Buffer.from(data.subarray(0, 12));
  if (type === 'audio/webm') return head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
  if (type === 'audio/ogg') return head.subarray(0, 4).toString('latin1') === 'OggS';
  if (type === 'audio/mp4') return head.subarray(4, 8).toString('latin1') === 'ftyp';
  return false;
}

const context = (incidentId: string) => `incident-message:${incidentId}`;

type Who = { userId: string; permissions: readonly Permission[] };

export interface IncidentChannel {
  list(coalitionId: string, incidentId: string, reader: Who): Promise<MessageList>;
  post(coalitionId: string, incidentId: string, author: Who, text: string): Promise<MessageList>;
  postVoice(
    coalitionId: string,
    incidentId: string,
    author: Who,
    audio: Uint8Array,
    type: string,
  ): Promise<MessageList>;
  audio(
    coalitionId: string,
    incidentId: string,
    reader: Who,
    messageId: number,
  ): Promise<{ data: Uint8Array; type: string }>;
}

export function createIncidentChannel(deps: { database: Database; box: SecretBox }): IncidentChannel {
  const { database, box } = deps;

  async function allowed(coalitionId: string, incidentId: string, who: Who) {
    // The responders engaged on the incident may use the channel and hear of each message.
    const incident = await incidentExists(database.db, coalitionId, incidentId);
    const members = incident ? await channelTeam(database.db, incidentId) : [];
    if (!incident || (!who.permissions.includes('incidents:channel') && !members.includes(who.userId)))
      throw new AppError('NOT_FOUND', 'No incident with this id.');
    return { members };
  }

  async function read(incidentId: string, userId: string): Promise<MessageList> {
    const rows = await listChannelMessages(database.db, incidentId, 500);
    return {
      messages: rows.map((row) => ({
        id: row.id,
        author: row.author,
        text: box.open(row.body, context(incidentId)),
        voice: row.voice,
        at: row.at.toISOString(),
        mine: row.userId === userId,
      })),
    };
  }

  async function store(
    coalitionId: string,
    incidentId: string,
    author: Who,
    message: { text: string; audio: Uint8Array | null; audioType: string | null },
  ): Promise<MessageList> {
    const { members } = await allowed(coalitionId, incidentId, author);
    await database.transaction(async (tx) => {
      await insertChannelMessage(tx.db, {
        incidentId,
        userId: author.userId,
        body: box.seal(message.text, context(incidentId)),
        audio: message.audio,
        audioType: message.audioType,
      });
      await recordEvents(tx.client, coalitionId, [
        { type: 'incident.updated', subjectId: incidentId },
        ...members.map((userId) => ({ type: 'responder.updated' as const, subjectId: userId })),
      ]);
    });
    return read(incidentId, author.userId);
  }

  return {
    async list(coalitionId, incidentId, reader) {
      await allowed(coalitionId, incidentId, reader);
      return read(incidentId, reader.userId);
    },
    post: (coalitionId, incidentId, author, text) =>
      store(coalitionId, incidentId, author, { text, audio: null, audioType: null }),
    async postVoice(coalitionId, incidentId, author, audio, type) {
      if (!(VOICE_TYPES as readonly string[]).includes(type) || !looksLikeAudio(audio, type)) {
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'A voice note must be WebM, Ogg or MP4 audio as the browser records it.',
        );
      }
      return store(coalitionId, incidentId, author, {
        text: '',
        audio: box.sealBytes(audio, context(incidentId)),
        audioType: type,
      });
    },
    async audio(coalitionId, incidentId, reader, messageId) {
      await allowed(coalitionId, incidentId, reader);
      const row = await findVoiceNote(database.db, incidentId, messageId);
      if (!row?.audio || !row.type) throw new AppError('NOT_FOUND', 'No voice note with this id.');
      return { data: box.openBytes(row.audio, context(incidentId)), type: row.type };
    },
  };
}
