// 保密管理 → 密钥恢复 (/security/recovery): the account-recovery key (made here, the same
// flow as the escrow key's) and the pending recovery requests. For each: who, department,
// when, from where; the officer loads the recovery private key file (in this page only,
// refused unless it is the configured key), checks the person's identity, and approves
// with a note — or rejects with a note.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import * as e2e from '../../e2e';
import { describeError, toUiError } from '../../errors';
import { EscrowInputError } from '../../escrow/keyfile';
import { createFilesApi } from '../../files/api';
import { fingerprint } from '../../files/keyring-impl';
import { formatDateTime } from '../../format';
import { t } from '../../i18n';
import { createOfficerRecovery, MAX_NOTE, OfficerRecoveryError } from '../../recovery/officer';
import type { AccountRecoveryKey, KeyRecovery } from '../../recovery/types';
import { useLocale } from '../hooks';
import { RecoveryKeySection } from '../security/EscrowPage';
import './recovery.css';

export function RecoveryTab({ request }: { request: Request }) {
  return (
    <>
      <RecoveryKeySection request={request} />
      <PendingRequests request={request} />
    </>
  );
}

function officerErrorText(e: unknown, l: ReturnType<typeof useLocale>, rec?: KeyRecovery): string {
  if (e instanceof OfficerRecoveryError) {
    switch (e.code) {
      case 'key_wrong':
        return t('recadmin.key_wrong');
      case 'key_old':
        return t('recadmin.key_old', { fp: fingerprint(rec?.recovery_key_id ?? '') });
      case 'no_key_file':
        return t('recadmin.load_key');
      case 'no_wrap':
        return t('recadmin.no_wrap');
      default:
        return t('recadmin.wrap_bad');
    }
  }
  if (e instanceof EscrowInputError) return t('escrow.err_key_file_invalid');
  return t('recadmin.failed', { reason: describeError(toUiError(e, Date.now()), l) });
}

function PendingRequests({ request }: { request: Request }) {
  const l = useLocale();
  const officer = useMemo(() => createOfficerRecovery({ request, keys: createFilesApi(request), crypto: e2e }), [request]);
  useEffect(() => () => officer.forgetKey(), [officer]);
  const [list, setList] = useState<KeyRecovery[] | undefined>();
  const [current, setCurrent] = useState<AccountRecoveryKey | null | undefined>();
  const [loaded, setLoaded] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState<number | undefined>();
  const fileRef = useRef<HTMLInputElement>(null);
  const load = () => {
    setError(undefined);
    Promise.all([officer.pending(), officer.currentKey()]).then(
      ([rs, k]) => {
        setList(rs);
        setCurrent(k);
      },
      (e) => setError(officerErrorText(e, l)),
    );
  };
  useEffect(load, [officer]);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    setStatus(undefined);
    try {
      const bytes = new Uint8Array(await file.slice(0, 2048).arrayBuffer());
      const id = await officer.loadKeyFile(bytes, current ?? null);
      bytes.fill(0);
      setLoaded(id);
    } catch (e) {
      setLoaded(undefined);
      setError(officerErrorText(e, l));
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  };
  const act = async (rec: KeyRecovery, kind: 'approve' | 'reject') => {
    setBusy(rec.id);
    setError(undefined);
    setStatus(undefined);
    const note = notes[rec.id] ?? '';
    try {
      if (kind === 'approve') await officer.approve(rec, note);
      else await officer.reject(rec, note);
      setStatus(t(kind === 'approve' ? 'recadmin.approved' : 'recadmin.rejected'));
      setList((xs) => xs?.filter((x) => x.id !== rec.id));
    } catch (e) {
      setError(officerErrorText(e, l, rec));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="esc-section rec-section" aria-labelledby="rec-pending-title">
      <h2 id="rec-pending-title" class="esc-heading">
        {t('recadmin.pending_title')}
      </h2>
      <div class="esc-actions rec-keyfile">
        <label class="btn btn-secondary rec-file-label" for="rec-key-file">
          {t('recadmin.load_key')}
        </label>
        <input id="rec-key-file" ref={fileRef} class="visually-hidden" type="file" accept=".key,text/plain" onChange={(e) => void onFile((e.currentTarget as HTMLInputElement).files?.[0])} />
        {loaded ? (
          <span class="esc-ok" role="status" data-testid="rec-key-loaded">
            {t('recadmin.key_loaded', { fp: fingerprint(loaded) })}
          </span>
        ) : null}
      </div>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {status ? (
        <p class="esc-ok" role="status">
          {status}
        </p>
      ) : null}
      {list === undefined ? (
        <p class="muted">{t('escrow.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted" data-testid="rec-none">
          {t('recadmin.none_pending')}
        </p>
      ) : (
        <ul class="rec-list">
          {list.map((r) => (
            <li key={r.id} class="rec-item" data-testid={`rec-${r.id}`}>
              <dl class="rec-facts">
                <div>
                  <dt>{t('recadmin.person')}</dt>
                  <dd>
                    {r.person?.display_name ?? ''} <span class="muted">（{r.person?.username ?? r.user_id}）</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('recadmin.dept')}</dt>
                  <dd>{r.person?.departments?.join('；') || '—'}</dd>
                </div>
                <div>
                  <dt>{t('recadmin.time')}</dt>
                  <dd>{formatDateTime(r.created_at, l)}</dd>
                </div>
                <div>
                  <dt>{t('recadmin.ip')}</dt>
                  <dd class="esc-mono">{r.ip ?? '—'}</dd>
                </div>
              </dl>
              {!r.recovery_wrap ? <p class="form-error">{t('recadmin.no_wrap')}</p> : null}
              <div class="field">
                <label for={`rec-note-${r.id}`}>{t('recadmin.note')}</label>
                <input
                  id={`rec-note-${r.id}`}
                  class="input"
                  maxLength={MAX_NOTE}
                  value={notes[r.id] ?? ''}
                  onInput={(e) => setNotes({ ...notes, [r.id]: (e.currentTarget as HTMLInputElement).value })}
                />
              </div>
              <div class="esc-actions">
                <button type="button" class="btn btn-primary" disabled={busy !== undefined || !loaded || !r.recovery_wrap} onClick={() => void act(r, 'approve')}>
                  {t('recadmin.approve')}
                </button>
                <button type="button" class="btn btn-secondary" disabled={busy !== undefined} onClick={() => void act(r, 'reject')}>
                  {t('recadmin.reject')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
