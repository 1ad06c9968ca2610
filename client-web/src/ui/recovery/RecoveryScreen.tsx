// The locked-key screen (issue 12): after an administrator reset the password, the ways
// to get the key back, in this order — 在其他设备上批准, 申请保密员恢复, 放弃旧密钥 — and
// where a request stands. The state machine is src/recovery/requester.ts.

import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../errors';
import { formatDateTime, formatTime } from '../../format';
import { t } from '../../i18n';
import type { Requester } from '../../recovery/requester';
import { useLocale, useStore } from '../hooks';
import './recovery.css';

export function RecoveryScreen({ requester, onClose }: { requester: Requester; onClose: () => void }) {
  const l = useLocale();
  const v = useStore(requester);
  const s = v.state;
  const [confirmAbandon, setConfirmAbandon] = useState(false);
  const [password, setPassword] = useState('');
  const pwRef = useRef<HTMLInputElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => void requester.init(), [requester]);
  useEffect(() => titleRef.current?.focus(), []);
  useEffect(() => {
    if (s.step === 'password') {
      setPassword('');
      pwRef.current?.focus();
    }
  }, [s.step, s.step === 'password' && s.wrong]);

  const working = s.step === 'working' || s.step === 'loading';
  return (
    <section class="panel keyrec" aria-labelledby="keyrec-title" data-testid="key-recovery">
      <h1 id="keyrec-title" class="keyrec-title" tabIndex={-1} ref={titleRef}>
        {t('keyrec.title')}
      </h1>
      {s.step !== 'done' ? <p class="keyrec-intro">{t('keyrec.intro')}</p> : null}
      {v.error ? (
        <p class="form-error" role="alert">
          {t('keyrec.failed', { reason: describeError(v.error, l) })}
        </p>
      ) : null}
      {v.mismatch ? (
        <p class="form-error" role="alert">
          {t('keyrec.mismatch')}
        </p>
      ) : null}

      {s.step === 'choose' || s.step === 'ended' ? (
        <>
          {s.step === 'ended' ? (
            <p class="form-error keyrec-status" role="status">
              {s.why === 'declined' ? t('keyrec.declined') : s.why === 'rejected' ? t('keyrec.rejected', { note: s.note ?? '' }) : t('keyrec.expired')}
            </p>
          ) : null}
          <ol class="keyrec-options">
            <li class="keyrec-option">
              <h3>{t('keyrec.device')}</h3>
              <p>{t('keyrec.device_hint')}</p>
              <button type="button" class="btn btn-primary" id="keyrec-device" onClick={() => void requester.start('device')}>
                {t('keyrec.device')}
              </button>
            </li>
            <li class="keyrec-option">
              <h3>{t('keyrec.officer')}</h3>
              <p>{s.step === 'choose' && !s.officer ? t('keyrec.officer_none') : t('keyrec.officer_hint')}</p>
              <button type="button" class="btn btn-secondary" id="keyrec-officer" disabled={s.step === 'choose' && !s.officer} onClick={() => void requester.start('officer')}>
                {t('keyrec.officer')}
              </button>
            </li>
            <li class="keyrec-option">
              <h3>{t('keyrec.abandon')}</h3>
              <p>{t('keyrec.abandon_hint')}</p>
              {confirmAbandon ? (
                <div class="esc-actions">
                  <button type="button" class="btn btn-primary" id="keyrec-abandon-confirm" onClick={() => void requester.abandon()}>
                    {t('keyrec.abandon_confirm')}
                  </button>
                  <button type="button" class="btn btn-secondary" onClick={() => setConfirmAbandon(false)}>
                    {t('keys.cancel')}
                  </button>
                </div>
              ) : (
                <button type="button" class="btn btn-secondary" id="keyrec-abandon" onClick={() => setConfirmAbandon(true)}>
                  {t('keyrec.abandon')}
                </button>
              )}
            </li>
          </ol>
        </>
      ) : s.step === 'waiting' ? (
        <div class="keyrec-status" role="status" data-testid="keyrec-waiting">
          <p>
            {s.method === 'device'
              ? t('keyrec.waiting_device', { time: formatTime(s.expiresAt) })
              : t('keyrec.waiting_officer', { time: formatDateTime(s.createdAt, l) })}
          </p>
          <button type="button" class="btn btn-secondary" onClick={() => void requester.cancel()}>
            {t('keyrec.cancel')}
          </button>
        </div>
      ) : s.step === 'password' ? (
        <form
          class="form keyrec-status"
          onSubmit={(e) => {
            e.preventDefault();
            void requester.password(password);
          }}
        >
          <p>{t('keyrec.password_needed')}</p>
          <label class="visually-hidden" for="keyrec-password">
            {t('keyrec.password')}
          </label>
          <input
            id="keyrec-password"
            ref={pwRef}
            class="input"
            type="password"
            autocomplete="current-password"
            placeholder={t('keyrec.password')}
            maxLength={512}
            value={password}
            aria-invalid={s.wrong || undefined}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
          {s.wrong ? (
            <p class="form-error" role="alert">
              {t('keyrec.wrong_password')}
            </p>
          ) : null}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={!password}>
              {t('keyrec.continue')}
            </button>
          </div>
        </form>
      ) : s.step === 'done' ? (
        <div class="keyrec-status" role="status" data-testid="keyrec-done">
          <p class="esc-ok">{s.how === 'recovered' ? t('keyrec.done') : `${t('keyrec.new_done')} ${t('keyrec.abandon_hint')}`}</p>
          <button type="button" class="btn btn-primary" onClick={onClose}>
            {t('keyrec.continue')}
          </button>
        </div>
      ) : (
        <p class="muted keyrec-status" role="status">
          {t('keyrec.working')}
        </p>
      )}
      {s.step !== 'done' ? (
        <div class="keyrec-later">
          <button type="button" class="btn btn-quiet" disabled={working} onClick={onClose}>
            {t('keyrec.later')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
