// 案件调取: the form (file id, case number, reason) → the audited open → the escrow private
// key file, read in this page → the file's name, type and size → 下载并解密, streamed to
// disk by the download code. Every failure is said in words (messages/escrow.ts).

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Request } from '../../api';
import { describeError, toUiError } from '../../errors';
import { keyFileName, parseKeyFile, MAX_KEY_FILE_BYTES, EscrowInputError } from '../../escrow/keyfile';
import {
  checkCaseForm,
  createEscrowOpener,
  escrowOpen,
  EscrowOpenError,
  isThumbnailOpen,
  normaliseBlobId,
  unwrapEscrow,
  type CaseField,
  type CaseForm,
  type CaseProblem,
} from '../../escrow/open';
import { browserDownloadEnv, createDownloads, type DownloadJob, type Downloads } from '../../files/download';
import { fileKind, formatSize } from '../../files/display';
import { asOpenError, openErrorText, type FileMeta } from '../../files/open';
import type { EscrowOpen } from '../../files/types';
import { locale, t, type MessageKey } from '../../i18n';
import { kindLabel } from '../files/AttachmentView';
import { useLocale, useStore } from '../hooks';

const EMPTY: CaseForm = { blobId: '', caseNumber: '', reason: '' };

function problemText(field: CaseField, p: CaseProblem): string {
  if (p === 'too_long') return t(field === 'reason' ? 'escrow.err_reason_too_long' : 'escrow.err_case_too_long');
  const keys: Record<Exclude<CaseProblem, 'too_long'>, MessageKey> = {
    required: 'escrow.err_required',
    blob_id_format: 'escrow.err_blob_id_format',
    control: 'escrow.err_control',
  };
  return t(keys[p]);
}

/** The open's answer and what became of it. */
interface Opened {
  asked: string;
  open: EscrowOpen;
}

/** `blobId`: the file to open, filled in (the audit console's file trace opens it so). */
export function CaseOpen({ request, blobId }: { request: Request; blobId?: string }) {
  useLocale();
  const [form, setForm] = useState<CaseForm>(blobId ? { ...EMPTY, blobId } : EMPTY);
  const [problem, setProblem] = useState<{ field: CaseField; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [thumbOf, setThumbOf] = useState<string | undefined>();
  const [opened, setOpened] = useState<Opened | undefined>();
  const fieldRefs = useRef<Partial<Record<CaseField, HTMLInputElement | HTMLTextAreaElement | null>>>({});

  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    setThumbOf(undefined);
    const p = checkCaseForm(form);
    if (p) {
      setProblem({ field: p.field, text: problemText(p.field, p.problem) });
      fieldRefs.current[p.field]?.focus();
      return;
    }
    setProblem(undefined);
    setBusy(true);
    escrowOpen(request, form).then(
      (open) => {
        setBusy(false);
        if (isThumbnailOpen(form.blobId, open)) {
          // The server's answer is the picture's wrap; the grant is for the thumbnail's id.
          setThumbOf(open.attachment.blob_id);
          return;
        }
        const asked = normaliseBlobId(form.blobId);
        setForm((f) => ({ ...f, blobId: asked }));
        setOpened({ asked, open });
      },
      (err) => {
        setBusy(false);
        if (err instanceof ApiError && err.code === 'not_found') setError(t('escrow.err_no_file'));
        else if (err instanceof ApiError && err.code === 'key_missing') setError(t('escrow.err_no_wrap'));
        else if (err instanceof ApiError && err.code === 'bad_request' && (err.field === 'case_number' || err.field === 'reason')) {
          setProblem({ field: err.field, text: describeError(toUiError(err, Date.now()), locale.get()) });
        } else setError(describeError(toUiError(err, Date.now()), locale.get()));
      },
    );
  };

  const field = (name: CaseField, label: MessageKey, hint?: MessageKey, multiline = false) => {
    const id = `esc-${name}`;
    const bad = problem?.field === name;
    const value = name === 'blob_id' ? form.blobId : name === 'case_number' ? form.caseNumber : form.reason;
    const set = (v: string) =>
      setForm((f) => (name === 'blob_id' ? { ...f, blobId: v } : name === 'case_number' ? { ...f, caseNumber: v } : { ...f, reason: v }));
    const describedBy = [hint ? `${id}-hint` : '', bad ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const common = {
      id,
      name: id,
      value,
      disabled: !!opened,
      'aria-invalid': bad ? ('true' as const) : undefined,
      'aria-describedby': describedBy,
      spellcheck: false,
    };
    return (
      <div class="field">
        <label htmlFor={id}>{t(label)}</label>
        {multiline ? (
          <textarea
            {...common}
            ref={(el) => {
              fieldRefs.current[name] = el;
            }}
            class="input esc-textarea"
            rows={3}
            onInput={(e) => set((e.currentTarget as HTMLTextAreaElement).value)}
          />
        ) : (
          <input
            {...common}
            ref={(el) => {
              fieldRefs.current[name] = el;
            }}
            class={name === 'blob_id' ? 'input esc-mono' : 'input'}
            autocomplete="off"
            autocapitalize="off"
            onInput={(e) => set((e.currentTarget as HTMLInputElement).value)}
          />
        )}
        {hint ? (
          <p id={`${id}-hint`} class="field-hint">
            {t(hint)}
          </p>
        ) : null}
        {bad ? (
          <p id={`${id}-error`} class="form-error" role="alert">
            {problem!.text}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <section class="esc-section" aria-labelledby="esc-case-title">
      <h2 id="esc-case-title" class="esc-heading">
        {t('escrow.case_title')}
      </h2>
      <p class="muted">{t('escrow.case_intro')}</p>
      <form class="esc-flow" onSubmit={submit} noValidate>
        {field('blob_id', 'escrow.blob_id', 'escrow.blob_id_hint')}
        {field('case_number', 'escrow.case_number', 'escrow.case_number_hint')}
        {field('reason', 'escrow.reason', undefined, true)}
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {thumbOf ? (
          <div class="esc-row">
            <p class="form-error" role="alert">
              {t('escrow.err_thumbnail', { id: thumbOf })}
            </p>
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => {
                setForm((f) => ({ ...f, blobId: thumbOf }));
                setThumbOf(undefined);
              }}
            >
              {t('escrow.use_picture')}
            </button>
          </div>
        ) : null}
        {opened ? null : (
          <div class="esc-actions">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('escrow.opening') : t('escrow.submit_open')}
            </button>
          </div>
        )}
      </form>
      {opened ? (
        <OpenedFile
          key={`${opened.asked}:${opened.open.key.key_id}`}
          opened={opened}
          onDone={() => {
            // Another file of the same case, often: the case number and reason stay.
            setOpened(undefined);
            setForm((f) => ({ ...f, blobId: '' }));
          }}
        />
      ) : null}
    </section>
  );
}

/** After the open: the key file, then the file's details and the download. */
function OpenedFile({ opened, onDone }: { opened: Opened; onDone: () => void }) {
  const l = useLocale();
  const { open } = opened;
  const [keyError, setKeyError] = useState<{ text: string; detail?: string } | undefined>();
  const [reading, setReading] = useState(false);
  const [ready, setReady] = useState<{ downloads: Downloads; wipe: () => void; meta?: FileMeta; metaError?: string } | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);

  // Leaving (another case, another page, logout): cancel the download, zero the key.
  const readyRef = useRef(ready);
  readyRef.current = ready;
  useEffect(
    () => () => {
      readyRef.current?.downloads.dispose();
      readyRef.current?.wipe();
    },
    [],
  );

  const loadKey = async (file: File | undefined) => {
    if (!file) return;
    setKeyError(undefined);
    if (file.size > MAX_KEY_FILE_BYTES) {
      setKeyError({ text: t('escrow.err_key_file_invalid') });
      return;
    }
    setReading(true);
    const raw = new Uint8Array(await file.arrayBuffer());
    let privateKey: Uint8Array | undefined;
    try {
      privateKey = parseKeyFile(raw);
      const keys = await unwrapEscrow(open, privateKey);
      const opener = createEscrowOpener({ fetch: (i, init) => fetch(i, init) }, open.attachment, keys);
      const downloads = createDownloads(opener, browserDownloadEnv());
      const next: NonNullable<typeof ready> = { downloads, wipe: opener.wipe };
      setReady(next);
      try {
        const meta = await opener.meta(open.attachment);
        setReady({ ...next, meta });
      } catch (e) {
        setReady({ ...next, metaError: failureText(e) });
      }
    } catch (e) {
      if (e instanceof EscrowInputError) setKeyError({ text: t('escrow.err_key_file_invalid') });
      else if (e instanceof EscrowOpenError && e.code === 'wrong_key')
        setKeyError({ text: t('escrow.err_wrong_key'), detail: t('escrow.err_wrong_key_detail', { want: e.wantKeyId ?? '', got: e.gotKeyId ?? '' }) });
      else if (e instanceof EscrowOpenError) setKeyError({ text: t('escrow.err_wrap_damaged') });
      else setKeyError({ text: failureText(e) });
    } finally {
      // The escrow private key is needed for the unwrap only.
      raw.fill(0);
      privateKey?.fill(0);
      setReading(false);
      if (inputRef.current) inputRef.current.value = '';
    }
  };

  const channels = open.channels ?? [];
  return (
    <div class="esc-opened" role="region" aria-label={t('escrow.opened')}>
      <p class="esc-ok" role="status">
        {t('escrow.opened')}
      </p>
      <ul class="esc-facts">
        <li>{channels.length ? t('escrow.sent_to', { list: channels.join(l === 'zh-CN' ? '、' : ', ') }) : t('escrow.sent_notice')}</li>
        <li>
          {t('escrow.wrapped_to', { id: open.key.key_id })}
        </li>
      </ul>
      {ready ? null : (
        <div class="field">
          <label htmlFor="esc-keyfile">{t('escrow.key_file')}</label>
          <input
            id="esc-keyfile"
            ref={inputRef}
            type="file"
            class="esc-file"
            disabled={reading}
            aria-describedby="esc-keyfile-hint esc-keyfile-error"
            onChange={(e) => void loadKey((e.currentTarget as HTMLInputElement).files?.[0])}
          />
          <p id="esc-keyfile-hint" class="field-hint">
            {t('escrow.key_file_hint', { id: open.key.key_id, name: keyFileName(open.key.key_id) })}
          </p>
          <div id="esc-keyfile-error" role="alert" hidden={!keyError}>
            {keyError ? (
              <p class="form-error">
                <strong>{keyError.text}</strong>
                {keyError.detail ? <span class="esc-detail">{keyError.detail}</span> : null}
              </p>
            ) : null}
          </div>
        </div>
      )}
      {ready ? <FileDetails ready={ready} open={open} /> : null}
      <div class="esc-actions">
        <button type="button" class="btn btn-secondary" onClick={onDone}>
          {t('escrow.new_case')}
        </button>
      </div>
    </div>
  );
}

function FileDetails({ ready, open }: { ready: { downloads: Downloads; meta?: FileMeta; metaError?: string }; open: EscrowOpen }) {
  const l = useLocale();
  const jobs = useStore(ready.downloads);
  // A finished download leaves the list after a while; its outcome stays said here.
  const last = useRef<DownloadJob | undefined>(undefined);
  if (jobs.length) last.current = jobs[jobs.length - 1];
  const job = last.current;
  if (ready.metaError) {
    return (
      <p class="form-error" role="alert">
        {ready.metaError}
      </p>
    );
  }
  if (!ready.meta) {
    return (
      <p class="muted" role="status">
        {t('escrow.reading')}
      </p>
    );
  }
  const m = ready.meta;
  const active = job && (job.state === 'preparing' || job.state === 'running');
  return (
    <div class="esc-file-card">
      <dl class="esc-key">
        <div>
          <dt>{t('escrow.file_name')}</dt>
          <dd class="esc-name" dir="auto">
            {m.name}
          </dd>
        </div>
        <div>
          <dt>{t('escrow.file_type')}</dt>
          <dd>
            {kindLabel(fileKind(m.type, m.name))}
            {m.type ? <span class="esc-mime">{m.type}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('escrow.file_size')}</dt>
          <dd>{formatSize(m.size, l)}</dd>
        </div>
      </dl>
      <div class="esc-actions">
        <button type="button" class="btn btn-primary" disabled={!!active} onClick={() => void ready.downloads.start(open.attachment)}>
          {t('escrow.download')}
        </button>
        {active ? (
          <button type="button" class="btn btn-secondary" onClick={() => ready.downloads.cancel(job!.id)}>
            {t('escrow.cancel')}
          </button>
        ) : null}
      </div>
      {job ? <JobLine job={job} /> : null}
    </div>
  );
}

function JobLine({ job }: { job: DownloadJob }) {
  const pct = job.total > 0 ? Math.min(100, Math.floor((job.received / job.total) * 100)) : 0;
  switch (job.state) {
    case 'preparing':
      return <p role="status">{t('escrow.dl_preparing')}</p>;
    case 'running':
      return (
        <div role="status" class="esc-progress">
          <span>{t('escrow.dl_running', { pct })}</span>
          <progress max={100} value={pct} aria-label={t('escrow.dl_running', { pct })} />
        </div>
      );
    case 'done':
      return (
        <p class="esc-ok" role="status" data-testid="escrow-saved">
          {t('escrow.dl_done')}
        </p>
      );
    case 'cancelled':
      return <p role="status">{t('escrow.dl_cancelled')}</p>;
    case 'failed':
      return (
        <p class="form-error" role="alert">
          {failureText(job.error)}
        </p>
      );
  }
}

/** A failure of reading or downloading the file, in words. */
function failureText(e: unknown): string {
  const err = asOpenError(e);
  if (err.code === 'gone') return t('escrow.err_expired');
  if (err.code === 'damaged') return t('escrow.err_damaged');
  return t('escrow.err_failed', { reason: openErrorText(err, locale.get()) });
}
