// 保密管理 (/security/escrow): the security officer's page. The organisation's escrow key —
// what it is, which one is set, setting or replacing it (a pair made in this page, or a
// public key made offline) — and 案件调取, opening one escrowed file for a case.

import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { describeError, toUiError, type UiError } from '../../errors';
import { currentEscrowKey, setterName } from '../../escrow/api';
import { EscrowInputError, keyFileName } from '../../escrow/keyfile';
import { browserSave, createEscrowSetup, type EscrowSetup } from '../../escrow/setup';
import type { EscrowKey } from '../../files/types';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { currentRecoveryKey } from '../../recovery/officer';
import { useLocale, useStore } from '../hooks';
import { CaseOpen } from './CaseOpen';
import './escrow.css';

export function EscrowPage({ request, isSecurity }: { request: Request; isSecurity: boolean }) {
  useLocale();
  if (!isSecurity) {
    // Reached by typing the address: the server would refuse every action anyway.
    return (
      <section class="panel esc-page" aria-labelledby="esc-title">
        <h1 id="esc-title" class="page-title">
          {t('escrow.title')}
        </h1>
        <p>{t('escrow.not_security')}</p>
      </section>
    );
  }
  return (
    <section class="panel esc-page" aria-labelledby="esc-title">
      <h1 id="esc-title" class="page-title">
        {t('escrow.title')}
      </h1>
      <KeySection request={request} />
      <CaseOpen request={request} />
    </section>
  );
}

/** The escrow tab of 保密管理 (SecurityPage): the key, and 案件调取. */
export function EscrowSections({ request }: { request: Request }) {
  return (
    <>
      <KeySection request={request} />
      <CaseOpen request={request} />
    </>
  );
}

/** Which organisation key a KeySection sets: the file escrow key (§5), or the account-
 * recovery key of issue 12 — the same flow (made here, key file, fingerprint, confirm),
 * another endpoint, file name and a few texts. */
export type OrgKeyKind = 'escrow' | 'recovery';
type KindText = 'key_title' | 'explain' | 'generate' | 'generate_new' | 'generated_title' | 'generated_hint' | 'replace_ack' | 'set' | 'set_done' | 'saved_hint';
const RECOVERY_TEXTS: Record<KindText, MessageKey> = {
  key_title: 'recadmin.key_title',
  explain: 'recadmin.key_intro',
  generate: 'recadmin.generate',
  generate_new: 'recadmin.generate_new',
  generated_title: 'recadmin.generated_title',
  generated_hint: 'recadmin.generated_hint',
  replace_ack: 'recadmin.replace_ack',
  set: 'recadmin.set',
  set_done: 'recadmin.set_done',
  saved_hint: 'escrow.saved_hint',
};
const KindContext = createContext<OrgKeyKind>('escrow');
const fileNameOf = (kind: OrgKeyKind, keyId: string) => (kind === 'recovery' ? `govchat-account-recovery-${keyId}.key` : keyFileName(keyId));
function useTk(): (k: KindText) => MessageKey {
  const kind = useContext(KindContext);
  return (k) => (kind === 'recovery' ? RECOVERY_TEXTS[k] : (`escrow.${k}` as MessageKey));
}

/** The account-recovery key's section (保密管理 → 密钥恢复). */
export function RecoveryKeySection({ request }: { request: Request }) {
  return (
    <KindContext.Provider value="recovery">
      <KeySection request={request} kind="recovery" />
    </KindContext.Provider>
  );
}

/** The current key and how it is set. */
function KeySection({ request, kind = 'escrow' }: { request: Request; kind?: OrgKeyKind }) {
  const tk = useTk();
  const l = useLocale();
  const [current, setCurrent] = useState<EscrowKey | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<UiError | undefined>();
  const [setter, setSetter] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const load = () => {
    setLoadError(undefined);
    (kind === 'recovery' ? currentRecoveryKey(request) : currentEscrowKey(request)).then(setCurrent, (e) => setLoadError(toUiError(e, Date.now())));
  };
  useEffect(load, [request]);
  useEffect(() => {
    setSetter(undefined);
    if (!current) return;
    setterName(request, current.set_by).then(setSetter, () => undefined);
  }, [current?.set_by, current?.key_id]);
  const setup = useMemo(
    () =>
      kind === 'recovery'
        ? createEscrowSetup({ request, save: browserSave, endpoint: '/admin/account-recovery-key', fileName: (id) => fileNameOf('recovery', id) })
        : createEscrowSetup({ request, save: browserSave }),
    [request, kind],
  );
  useEffect(() => () => setup.dispose(), [setup]);

  return (
    <section class="esc-section" aria-labelledby="esc-key-title">
      <h2 id="esc-key-title" class="esc-heading">
        {t(tk('key_title'))}
      </h2>
      <p class="esc-explain">{t(tk('explain'))}</p>
      {loadError ? (
        <div class="esc-row">
          <p class="form-error" role="alert">
            {describeError(loadError, l)}
          </p>
          <button type="button" class="btn btn-secondary" onClick={load}>
            {t('app.retry')}
          </button>
        </div>
      ) : current === undefined ? (
        <p class="muted" role="status">
          {t('escrow.loading')}
        </p>
      ) : current === null ? (
        <p class="esc-none" data-testid="escrow-current">
          <span class="esc-badge esc-badge-none">{t('escrow.none')}</span>
        </p>
      ) : (
        <dl class="esc-key" data-testid="escrow-current">
          <div>
            <dt>{t('escrow.key_id')}</dt>
            <dd class="esc-mono">{current.key_id}</dd>
          </div>
          <div>
            <dt>{t('escrow.set_by')}</dt>
            <dd>{setter ?? t('escrow.person_unknown', { id: current.set_by })}</dd>
          </div>
          <div>
            <dt>{t('escrow.set_at')}</dt>
            <dd>{formatDateTime(current.created_at, l)}</dd>
          </div>
        </dl>
      )}
      {done ? (
        <p class="esc-ok" role="status">
          {done}
        </p>
      ) : null}
      {current !== undefined ? (
        <SetupFlow
          setup={setup}
          current={current}
          onSet={(k) => {
            setCurrent(k);
            setDone(t(tk('set_done'), { id: k.key_id }));
          }}
          onBegin={() => setDone(undefined)}
        />
      ) : null}
    </section>
  );
}

function SetupFlow({ setup, current, onSet, onBegin }: { setup: EscrowSetup; current: EscrowKey | null; onSet: (k: EscrowKey) => void; onBegin: () => void }) {
  const l = useLocale();
  const tk = useTk();
  const kind = useContext(KindContext);
  const s = useStore(setup);
  const [pasting, setPasting] = useState(false);
  const [pasteText, setPasteText] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const [typed, setTyped] = useState('');
  const [ack, setAck] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const reset = () => {
    setPasting(false);
    setPasteText('');
    setPasteError(undefined);
    setTyped('');
    setAck(false);
    setError(undefined);
  };
  const cancel = () => {
    setup.cancel();
    reset();
  };
  const replacing = current !== null && 'keyId' in s && s.keyId !== current.key_id;

  if (s.step === 'idle' && !pasting) {
    return (
      <div class="esc-actions">
        <button
          type="button"
          class={current ? 'btn btn-secondary' : 'btn btn-primary'}
          disabled={busy}
          onClick={() => {
            onBegin();
            reset();
            setBusy(true);
            setup.generate().then(
              () => setBusy(false),
              (e) => {
                setBusy(false);
                setError(describeError(toUiError(e, Date.now()), l));
              },
            );
          }}
        >
          {current ? t(tk('generate_new')) : t(tk('generate'))}
        </button>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() => {
            onBegin();
            reset();
            setPasting(true);
          }}
        >
          {t('escrow.use_public')}
        </button>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    );
  }

  if (s.step === 'idle' && pasting) {
    const check = (e: Event) => {
      e.preventDefault();
      setPasteError(undefined);
      setup.paste(pasteText).catch((err) => {
        setPasteError(err instanceof EscrowInputError && err.code === 'public_id_mismatch' ? t('escrow.err_public_id_mismatch') : t('escrow.err_public_invalid'));
      });
    };
    return (
      <form class="esc-flow" onSubmit={check} noValidate>
        <div class="field">
          <label htmlFor="esc-paste">{t('escrow.paste_label')}</label>
          <textarea
            id="esc-paste"
            class="input esc-mono esc-textarea"
            rows={2}
            value={pasteText}
            spellcheck={false}
            autocapitalize="off"
            aria-invalid={pasteError ? 'true' : undefined}
            aria-describedby="esc-paste-hint esc-paste-error"
            onInput={(e) => setPasteText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <p id="esc-paste-hint" class="field-hint">
            {t('escrow.paste_hint')}
          </p>
          <p id="esc-paste-error" class="form-error" role="alert" hidden={!pasteError}>
            {pasteError ?? ''}
          </p>
        </div>
        <div class="esc-actions">
          <button type="submit" class="btn btn-primary" disabled={!pasteText.trim()}>
            {t('escrow.paste_check')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={cancel}>
            {t('escrow.cancel')}
          </button>
        </div>
      </form>
    );
  }

  if (s.step === 'generated') {
    return (
      <div class="esc-flow" role="group" aria-labelledby="esc-gen-title">
        <h3 id="esc-gen-title" class="esc-subheading">
          {t(tk('generated_title'))}
        </h3>
        <p>
          {t('escrow.key_id')}：<span class="esc-mono">{s.keyId}</span>
        </p>
        <p class="esc-warn">{t(tk('generated_hint'))}</p>
        <div class="esc-actions">
          <button type="button" class="btn btn-primary" onClick={() => setup.saveKeyFile()}>
            {t('escrow.download_key')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={cancel}>
            {t('escrow.cancel')}
          </button>
        </div>
      </div>
    );
  }

  // saved (a pair made here, its file handed over) or pasted: confirm and set.
  if (s.step === 'idle') return null;
  const saved = s.step === 'saved';
  const mismatch = saved && typed.trim().length >= 4 && !setup.ready(typed, null, true);
  const ready = setup.ready(typed, current, ack);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    setup.set(typed, current, ack).then(
      (k) => {
        setBusy(false);
        reset();
        onSet(k);
      },
      (err) => {
        setBusy(false);
        setError(describeError(toUiError(err, Date.now()), l));
      },
    );
  };
  return (
    <form class="esc-flow" onSubmit={submit} noValidate>
      {saved ? (
        <>
          <p>{t(tk('saved_hint'), { name: fileNameOf(kind, s.keyId) })}</p>
          <p>
            {t('escrow.key_id')}：<span class="esc-mono">{s.keyId}</span>
          </p>
          <div class="field">
            <label htmlFor="esc-confirm">{t('escrow.confirm_label')}</label>
            <input
              id="esc-confirm"
              class="input esc-mono esc-confirm"
              value={typed}
              maxLength={8}
              autocomplete="off"
              spellcheck={false}
              autocapitalize="off"
              aria-invalid={mismatch ? 'true' : undefined}
              aria-describedby="esc-confirm-error"
              onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
            />
            <p id="esc-confirm-error" class="form-error" role="alert" hidden={!mismatch}>
              {mismatch ? t('escrow.confirm_mismatch') : ''}
            </p>
          </div>
        </>
      ) : (
        <p role="status">{t('escrow.pasted_hint', { id: s.keyId })}</p>
      )}
      {replacing ? (
        <label class="esc-check">
          <input type="checkbox" checked={ack} onChange={(e) => setAck((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t(tk('replace_ack'), { id: current!.key_id })}</span>
        </label>
      ) : null}
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="esc-actions">
        <button type="submit" class="btn btn-primary" disabled={!ready || busy}>
          {busy ? t('escrow.setting') : t(tk('set'))}
        </button>
        <button type="button" class="btn btn-secondary" onClick={cancel} disabled={busy}>
          {t('escrow.cancel')}
        </button>
      </div>
    </form>
  );
}
