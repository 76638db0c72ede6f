import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PhotoUploadError, uploadPhoto } from '../photos.js';

const MAX_PHOTOS = 3;

export interface Photo {
  key: string;
  file: File;
  state: 'sending' | 'ready' | PhotoUploadError['kind'];
  id?: string;
}

/** The report form's photos: each is sent as soon as it is chosen, ahead of the report. */
export function useReportPhotos() {
  const [list, setList] = useState<Photo[]>([]);
  const send = (photo: Photo) => {
    const update = (change: Partial<Photo>) =>
      setList((all) => all.map((p) => (p.key === photo.key ? { ...p, ...change } : p)));
    update({ state: 'sending' });
    uploadPhoto(photo.file).then(
      (photoId) => update({ state: 'ready', id: photoId }),
      (error: unknown) => update({ state: error instanceof PhotoUploadError ? error.kind : 'server' }),
    );
  };
  const add = (files: FileList | null) => {
    const added = [...(files ?? [])].slice(0, MAX_PHOTOS - list.length).map((file) => ({
      key: `${file.name}-${file.size}-${Math.random()}`,
      file,
      state: 'sending' as const,
    }));
    setList((all) => [...all, ...added]);
    for (const photo of added) send(photo);
  };
  const remove = (key: string) => setList((all) => all.filter((p) => p.key !== key));
  return { list, send, add, remove };
}

/** The photos part of the report form: the chosen photos, their state, retry and remove. */
export function ReportPhotos({ id, photos }: { id: string; photos: ReturnType<typeof useReportPhotos> }) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('report.photos.label')}</legend>
      <p className="hint" id={`${id}-photos-hint`}>
        {t('report.photos.hint')}
      </p>
      {photos.list.length > 0 && (
        <ul className="photos" aria-live="polite">
          {photos.list.map((photo) => (
            <li key={photo.key}>
              <span className="photo-name">{photo.file.name}</span> —{' '}
              {t(`report.photos.state.${photo.state}`)}
              {(photo.state === 'network' || photo.state === 'server') && (
                <button type="button" className="link" onClick={() => photos.send(photo)}>
                  {t('report.photos.retry')}
                </button>
              )}{' '}
              <button type="button" className="link" onClick={() => photos.remove(photo.key)}>
                {t('report.photos.remove', { name: photo.file.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {photos.list.length < MAX_PHOTOS && (
        <>
          <label htmlFor={`${id}-photos`} className="button block">
            {t('report.photos.add')}
          </label>
          <input
            id={`${id}-photos`}
            className="visually-hidden"
            type="file"
            accept="image/*"
            multiple
            aria-describedby={`${id}-photos-hint`}
            onChange={(event) => {
              photos.add(event.target.files);
              event.target.value = '';
            }}
          />
        </>
      )}
    </fieldset>
  );
}
