import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type CaseDocument,
  type CaseDocumentList,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_TITLE_HEADER,
  DOCUMENT_TITLE_MAX,
  DOCUMENT_TYPES,
} from '../../../shared/case-documents.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { ApiError, api, csrfHeader } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useTimeFormat } from '../../time.js';

/** A phone may give no type for a HEIC photo: its name's ending says what it is. */
const TYPE_BY_ENDING: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
  heif: 'image/heif',
  webp: 'image/webp',
};
const typeOf = (file: File) =>
  file.type || TYPE_BY_ENDING[file.name.split('.').pop()?.toLowerCase() ?? ''] || 'application/octet-stream';

/** "1.4 MiB", "320 KiB". */
const sizeOf = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
    : `${Math.max(1, Math.round(bytes / 1024))} KiB`;

/**
 * Sends a file as one request, its progress reported as it goes (fetch cannot tell an upload's
 * progress; XMLHttpRequest can). The server seals it as it arrives.
 */
function send(caseId: string, file: File, title: string, onProgress: (fraction: number) => void) {
  return new Promise<CaseDocument>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/cases/${caseId}/documents`);
    request.setRequestHeader('content-type', typeOf(file));
    request.setRequestHeader(DOCUMENT_TITLE_HEADER, encodeURIComponent(title));
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError('NETWORK', 'network error', 0));
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 201) return resolve(body as CaseDocument);
      const error = (body as ErrorBody | undefined)?.error;
      reject(
        new ApiError(
          error?.code ?? 'INTERNAL',
          error?.message ?? request.statusText,
          request.status,
          error?.details?.fields,
          error?.details,
        ),
      );
    };
    request.send(file);
  });
}

/**
 * A case's documents (the Notice to Appear, custody papers, a bond receipt, a scanned ID): the list
 * with download links, a file picker that works from a phone's camera roll or files, and deletion
 * with a reason. Kept sealed by the server; only the case's team reaches them.
 */
export function CaseDocuments(props: { caseId: string; consented: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queries = useQueryClient();
  const key = ['cases', 'documents', props.caseId];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api<CaseDocumentList>(`/api/cases/${props.caseId}/documents`),
  });
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const overrides = { UNSUPPORTED_MEDIA_TYPE: t('caseDocuments.wrongType') };

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    const form = event.currentTarget;
    setError(null);
    if (file.size > DOCUMENT_MAX_BYTES) {
      setError(new ApiError('PAYLOAD_TOO_LARGE', 'too large', 413, [], { limitBytes: DOCUMENT_MAX_BYTES }));
      return;
    }
    setProgress(0);
    try {
      await send(props.caseId, file, title.trim() || file.name, setProgress);
      setFile(null);
      setTitle('');
      form.reset();
    } catch (failure) {
      setError(failure);
    } finally {
      setProgress(null);
      await queries.invalidateQueries({ queryKey: key });
    }
  }

  async function remove(event: FormEvent<HTMLFormElement>, documentId: string) {
    event.preventDefault();
    setError(null);
    try {
      const after = await api<CaseDocumentList>(`/api/cases/${props.caseId}/documents/${documentId}`, {
        method: 'DELETE',
        body: { reason },
      });
      queries.setQueryData(key, after);
      setDeleting(null);
      setReason('');
    } catch (failure) {
      setError(failure);
    }
  }

  const documents = list.data?.documents ?? [];
  return (
    <section aria-labelledby={`${id}-documents`} className="case-documents" data-testid="case-documents">
      <h3 id={`${id}-documents`}>{t('caseDocuments.title')}</h3>
      {list.isError && <ErrorSummary error={list.error} />}
      {documents.length === 0 && list.isSuccess && <p className="hint">{t('caseDocuments.none')}</p>}
      <ul className="case-document-list">
        {documents.map((d) => (
          <li key={d.id} data-testid="case-document">
            {d.complete ? (
              <a href={`/api/cases/${props.caseId}/documents/${d.id}`} download>
                {d.title}
              </a>
            ) : (
              <span>{d.title}</span>
            )}{' '}
            <span className="hint">
              {t('caseDocuments.facts', {
                type:
                  d.contentType === 'application/pdf'
                    ? 'PDF'
                    : d.contentType.replace('image/', '').toUpperCase(),
                size: sizeOf(d.bytes),
                who: d.addedBy ?? t('caseDocuments.someone'),
                when: format(d.addedAt, 'dateTime'),
              })}
            </span>
            {!d.complete && (
              <span className="hint">
                {' '}
                · {t('caseDocuments.incomplete', { size: sizeOf(d.expectedBytes) })}
              </span>
            )}
            {d.sha256 && (
              <details className="case-document-hash">
                <summary>{t('caseDocuments.sha256')}</summary>
                <code>{d.sha256}</code>
              </details>
            )}
            {deleting === d.id ? (
              <form className="case-document-delete" onSubmit={(event) => remove(event, d.id)}>
                <label>
                  {t('caseDocuments.reason')}
                  <input
                    value={reason}
                    required
                    maxLength={1000}
                    onChange={(e) => setReason(e.target.value)}
                  />
                </label>
                <button type="submit" className="button danger">
                  {t('caseDocuments.deleteSubmit')}
                </button>
                <button type="button" className="button" onClick={() => setDeleting(null)}>
                  {t('caseDocuments.cancel')}
                </button>
              </form>
            ) : (
              <button
                className="button"
                type="button"
                onClick={() => setDeleting(d.id)}
                aria-label={t('caseDocuments.deleteNamed', { title: d.title })}
              >
                {t('caseDocuments.delete')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {props.consented ? (
        <form className="case-document-upload" onSubmit={upload} data-testid="document-form">
          <label>
            {t('caseDocuments.file')}
            <input
              type="file"
              accept={DOCUMENT_TYPES.join(',')}
              required
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <p className="hint">{t('caseDocuments.fileHint', { size: sizeOf(DOCUMENT_MAX_BYTES) })}</p>
          <label>
            {t('caseDocuments.documentTitle')}
            <input
              value={title}
              maxLength={DOCUMENT_TITLE_MAX}
              placeholder={t('caseDocuments.titlePlaceholder')}
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>
          {progress !== null && (
            <progress value={progress} max={1} aria-label={t('caseDocuments.progress')}>
              {Math.round(progress * 100)}%
            </progress>
          )}
          <button type="submit" className="button" disabled={progress !== null || !file}>
            {progress !== null ? t('caseDocuments.uploading') : t('caseDocuments.upload')}
          </button>
        </form>
      ) : (
        <p className="hint">{t('caseDocuments.consentFirst')}</p>
      )}
      <ErrorSummary error={error} overrides={overrides} />
    </section>
  );
}
