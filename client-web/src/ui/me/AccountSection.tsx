import { useRef, useState } from 'preact/hooks';
import type { Me, Request, TotpSetup } from '../../api';
import { describeError, toUiError, type UiError } from '../../errors';
import { locale, t, type MessageKey } from '../../i18n';
import { accountErrorKey, changeOwnPassword, disableTotp, enableTotp, passwordProblem, startTotp } from '../../phone/account';
import { policyError } from '../../errors';
import { checkPassword } from '../../login/policy';
import { normaliseCode } from '../../state';
import { CodeField, Field } from '../common';
import { groupSecret, safeImage } from '../TotpSetupPage';
import { useFilesSend } from '../files/send/context';

interface Props {
  request: Request;
  me: Me;
  /** The password changed: the answer's new session replaces every old one. */
  onSessionRenewed: (me: Me) => void;
  /** The second factor changed. */
  onMeChanged: (me: Me) => void;
}

function errorText(e: UiError, action: 'password' | 'totp_enable' | 'totp_disable'): string {
  const key = accountErrorKey(e.code, action);
  return key ? t(key) : describeError(e, locale.get());
}

/** 账号与安全: change the password, turn the second factor on or off. */
export function AccountSection(p: Props) {
  return (
    <section class="me-section" aria-labelledby="account-title">
      <h2 id="account-title" class="me-heading">
        {t('account.title')}
      </h2>
      <PasswordPart {...p} />
      <TotpPart {...p} />
    </section>
  );
}

function PasswordPart({ request, me, onSessionRenewed }: Props) {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const currentRef = useRef<HTMLInputElement>(null);
  const nextRef = useRef<HTMLInputElement>(null);
  const files = useFilesSend();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const problem = passwordProblem(current, next, confirm);
    if (problem) {
      const key: MessageKey = problem === 'current' ? 'error.bad_request' : problem === 'mismatch' ? 'pw.mismatch' : 'error.password_policy';
      setError(t(key));
      (problem === 'current' ? currentRef : nextRef).current?.focus();
      return;
    }
    // The server never sees the new password: its rules are checked here.
    const reason = checkPassword(next, me.username, current);
    if (reason) {
      setError(describeError(policyError(reason, Date.now()), locale.get()));
      nextRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      // The encryption key goes along, wrapped under the new password.
      const res = await changeOwnPassword(request, me.username, current, next, files?.fs.keyring);
      setOpen(false);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
      onSessionRenewed(res.user);
    } catch (err) {
      const ue = toUiError(err, Date.now());
      setError(errorText(ue, 'password'));
      if (ue.code === 'invalid_credentials') {
        setCurrent('');
        currentRef.current?.focus();
      } else if (ue.code === 'password_policy') {
        setNext('');
        setConfirm('');
        nextRef.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="me-item" id="account-password">
      <div class="me-item-head">
        <h3 class="me-item-title">{t('account.password')}</h3>
        {!open ? (
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setOpen(true);
              setDone(false);
              setTimeout(() => currentRef.current?.focus(), 0);
            }}
          >
            {t('account.password_change')}
          </button>
        ) : null}
      </div>
      <p class="muted me-small" role="status">
        {done ? t('account.password_done') : ''}
      </p>
      {open ? (
        <form class="form me-form" onSubmit={submit} aria-label={t('account.password_change')}>
          <p class="muted me-small">{t('account.password_intro')}</p>
          <input type="text" class="visually-hidden" autocomplete="username" value={me.username} readOnly tabIndex={-1} aria-hidden="true" />
          <Field id="me_current_password" type="password" label={t('pw.current')} value={current} onInput={setCurrent} autocomplete="current-password" required maxLength={512} inputRef={currentRef} describedBy={error ? 'me-pw-error' : undefined} />
          <Field id="me_new_password" type="password" label={t('pw.new')} value={next} onInput={setNext} autocomplete="new-password" required maxLength={128} inputRef={nextRef} hint={t('pw.hint')} describedBy={error ? 'me-pw-error' : undefined} />
          <Field id="me_confirm_password" type="password" label={t('pw.confirm')} value={confirm} onInput={setConfirm} autocomplete="new-password" required maxLength={128} describedBy={error ? 'me-pw-error' : undefined} />
          <p id="me-pw-error" class="form-error" role="alert" hidden={!error}>
            {error ?? ''}
          </p>
          <div class="form-actions">
            <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => { setOpen(false); setError(undefined); }}>
              {t('account.cancel')}
            </button>
            <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
              {busy ? t('account.working') : t('account.password_submit')}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

type TotpStage = { name: 'idle'; note?: MessageKey } | { name: 'enrol'; setup: TotpSetup } | { name: 'disable' };

function TotpPart({ request, me, onMeChanged }: Props) {
  const [stage, setStage] = useState<TotpStage>({ name: 'idle' });
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const codeRef = useRef<HTMLInputElement>(null);

  const run = async (fn: () => Promise<void>, action: 'password' | 'totp_enable' | 'totp_disable') => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(errorText(toUiError(err, Date.now()), action));
      setCode('');
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const begin = () =>
    run(async () => {
      const setup = await startTotp(request);
      setCode('');
      setStage({ name: 'enrol', setup });
      setTimeout(() => codeRef.current?.focus(), 0);
    }, 'totp_enable');
  const codeOk = (c: string) => /^\d{6}$/.test(c);
  const enable = (e: Event) => {
    e.preventDefault();
    const c = normaliseCode(code);
    if (!codeOk(c)) return setError(t('totp.code_format'));
    void run(async () => {
      const fresh = await enableTotp(request, c);
      setStage({ name: 'idle', note: 'account.totp_enabled_done' });
      onMeChanged(fresh);
    }, 'totp_enable');
  };
  const disable = (e: Event) => {
    e.preventDefault();
    const c = normaliseCode(code);
    if (!password) return setError(t('error.bad_request'));
    if (!codeOk(c)) return setError(t('totp.code_format'));
    void run(async () => {
      const fresh = await disableTotp(request, me.username, password, c);
      setPassword('');
      setStage({ name: 'idle', note: 'account.totp_disabled_done' });
      onMeChanged(fresh);
    }, 'totp_disable');
  };
  const cancel = () => {
    setStage({ name: 'idle' });
    setError(undefined);
    setCode('');
    setPassword('');
  };
  const codeField = (id: string) => (
    <CodeField
      id={id}
      label={t('totp.code')}
      value={code}
      onInput={setCode}
      inputRef={codeRef}
      invalid={!!error}
      describedBy={error ? 'me-totp-error' : undefined}
    />
  );
  /** The end of both second-factor forms: the refusal, 取消 and the submit button. */
  const formEnd = (submit: 'totp.submit' | 'account.totp_disable_submit') => (
    <>
      <p id="me-totp-error" class="form-error" role="alert" hidden={!error}>
        {error ?? ''}
      </p>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={cancel}>
          {t('account.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
          {t(submit)}
        </button>
      </div>
    </>
  );
  const qr = stage.name === 'enrol' ? safeImage(stage.setup.qr_png) : undefined;
  return (
    <div class="me-item" id="account-totp">
      <div class="me-item-head">
        <h3 class="me-item-title">{t('account.totp')}</h3>
        {stage.name === 'idle' ? (
          me.totp_enabled ? (
            <button type="button" class="btn btn-secondary" onClick={() => { setStage({ name: 'disable' }); setError(undefined); }}>
              {t('account.totp_disable')}
            </button>
          ) : (
            <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void begin()}>
              {t('account.totp_start')}
            </button>
          )
        ) : null}
      </div>
      <p class="muted me-small">{me.totp_enabled ? t('account.totp_on') : t('account.totp_off')}</p>
      <p class="me-small me-ok" role="status">
        {stage.name === 'idle' && stage.note ? t(stage.note) : ''}
      </p>
      {stage.name === 'enrol' ? (
        <form class="form me-form" onSubmit={enable} aria-label={t('account.totp_start')}>
          <p class="muted me-small">{t('account.totp_scan')}</p>
          <div class="totp-enrol">
            {qr ? <img class="totp-qr" src={qr} alt={t('totp.qr_alt')} width={200} height={200} /> : null}
            <p class="totp-secret-label">{t('totp.secret')}</p>
            <p class="totp-secret" translate={false}>
              {groupSecret(stage.setup.secret)}
            </p>
            {/* On the phone itself the code cannot be scanned: hand it to the app instead. */}
            {stage.setup.otpauth_url.startsWith('otpauth://') ? (
              <a class="btn btn-secondary me-otpauth" href={stage.setup.otpauth_url}>
                {t('account.totp_open_app')}
              </a>
            ) : null}
          </div>
          {codeField('me_totp_code')}
          {formEnd('totp.submit')}
        </form>
      ) : stage.name === 'disable' ? (
        <form class="form me-form" onSubmit={disable} aria-label={t('account.totp_disable')}>
          <p class="muted me-small">{t('account.totp_disable_intro')}</p>
          <input type="text" class="visually-hidden" autocomplete="username" value={me.username} readOnly tabIndex={-1} aria-hidden="true" />
          <Field id="me_totp_password" type="password" label={t('login.password')} value={password} onInput={setPassword} autocomplete="current-password" required maxLength={512} describedBy={error ? 'me-totp-error' : undefined} />
          {codeField('me_totp_off_code')}
          {formEnd('account.totp_disable_submit')}
        </form>
      ) : (
        <p id="me-totp-error" class="form-error" role="alert" hidden={!error}>
          {error ?? ''}
        </p>
      )}
    </div>
  );
}
