// 导出: for an inspection, the CSV of the trail's current filter and a signed bundle of a
// time range — both need a case number (案件编号) and are recorded by the server
// (audit.exported). Beside them: what `govchat audit verify --bundle FILE --vkey KEY`
// checks on another machine, the verifier key to keep apart, and the latest checkpoint.

import { useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { fetchExport, verifierKey } from '../../audit/api';
import { ApiError } from '../../api';
import { describeError, toUiError } from '../../errors';
import { beijingToRfc3339, bundleHref, checkCaseNumber, csvHref, filterParams, type TrailFilter } from '../../audit/query';
import type { AuditStatus } from '../../audit/types';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { useLocale } from '../hooks';
import { outcomeText } from './EventList';

const CASE_KEYS: Record<'required' | 'too_long' | 'control', MessageKey> = {
  required: 'audit.err_required',
  too_long: 'audit.err_case_too_long',
  control: 'audit.err_case_control',
};

/** The filter in words, for 当前筛选. */
function filterText(f: TrailFilter): string {
  const parts: string[] = [];
  if (f.person) parts.push(`${t('audit.person')}：${f.person.name}`);
  if (f.action.trim()) parts.push(`${t('audit.f_action')}：${f.action.trim()}`);
  if (f.targetType.trim()) parts.push(`${t('audit.f_target_type')}：${f.targetType.trim()}${f.targetId.trim() ? ` ${f.targetId.trim()}` : ''}`);
  if (f.department) parts.push(`${t('audit.col_department')}：${f.department.name}`);
  if (f.level) parts.push(`${t('audit.f_level')} ${f.level}`);
  if (f.outcome) parts.push(`${t('audit.f_outcome')}：${outcomeText(f.outcome)}`);
  if (f.since) parts.push(`${t('audit.f_since')}：${f.since.replace('T', ' ')}`);
  if (f.until) parts.push(`${t('audit.f_until')}：${f.until.replace('T', ' ')}`);
  return parts.join('；');
}

export function ExportTab(p: { request: Request; filter: TrailFilter; status?: AuditStatus }) {
  const l = useLocale();
  const [vkey, setVkey] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!p.status) return;
    if (p.status.vkey) return setVkey(p.status.vkey);
    if (!p.status.checkpoint) return setVkey(null);
    verifierKey(p.request, p.status).then(
      (k) => setVkey(k ?? null),
      () => setVkey(null),
    );
  }, [p.status, p.request]);
  const filtered = filterParams(p.filter).toString() !== '';
  const cp = p.status?.checkpoint;
  return (
    <div class="aud-export">
      <section class="aud-section" aria-labelledby="aud-csv-h">
        <h2 id="aud-csv-h" class="aud-heading">
          {t('audit.export_csv_title')}
        </h2>
        <p class="aud-explain">{t('audit.export_csv_explain')}</p>
        <p data-testid="audit-export-filter">{filtered ? t('audit.export_filter', { text: filterText(p.filter) }) : t('audit.export_filter_none')}</p>
        <CaseDownload id="aud-csv" label={t('audit.download_csv')} href={(c) => csvHref(p.filter, c)} />
      </section>

      <section class="aud-section" aria-labelledby="aud-bundle-h">
        <h2 id="aud-bundle-h" class="aud-heading">
          {t('audit.export_bundle_title')}
        </h2>
        <p class="aud-explain">{t('audit.export_bundle_explain')}</p>
        <BundleForm />
        <h3 class="aud-subheading">{t('audit.verify_title')}</h3>
        <p>{t('audit.verify_intro')}</p>
        <pre class="aud-code" data-testid="audit-verify-cmd">
          govchat audit verify --bundle audit-bundle.zip --vkey '{vkey ?? '<vkey>'}'
        </pre>
        <p>{t('audit.verify_checks')}</p>
        <ul class="aud-checks">
          <li>{t('audit.verify_check_sig')}</li>
          <li>{t('audit.verify_check_chain')}</li>
          <li>{t('audit.verify_check_tlog')}</li>
          <li>{t('audit.verify_check_whole')}</li>
        </ul>
      </section>

      <section class="aud-section" aria-labelledby="aud-vkey-h">
        <h2 id="aud-vkey-h" class="aud-heading">
          {t('audit.vkey_title')}
        </h2>
        {vkey === undefined ? (
          <p class="muted" role="status">
            {t('audit.loading')}
          </p>
        ) : vkey === null ? (
          <p class="muted">{t('audit.vkey_none')}</p>
        ) : (
          <>
            <p class="aud-explain">{t('audit.vkey_hint')}</p>
            <div class="aud-copy-row">
              <code class="aud-code aud-vkey" data-testid="audit-vkey">
                {vkey}
              </code>
              <CopyButton text={vkey} />
            </div>
          </>
        )}
        {cp ? (
          <>
            <h3 class="aud-subheading">
              {t('audit.checkpoint_title')} <span class="muted aud-small">{formatDateTime(cp.at, l)}</span>
            </h3>
            <pre class="aud-code" data-testid="audit-checkpoint">
              {cp.text}
            </pre>
            <button type="button" class="btn btn-secondary" onClick={() => saveText(cp.text, `checkpoint-${cp.size}.txt`)}>
              {t('audit.checkpoint_save')}
            </button>
          </>
        ) : null}
      </section>
    </div>
  );
}

function CaseDownload({
  id,
  label,
  href,
  extraProblem,
  fetched,
}: {
  id: string;
  label: string;
  href: (caseNumber: string) => string;
  extraProblem?: () => { field: string; text: string } | undefined;
  /** Fetch it and save what came (the bundle: its errors are said here, not saved). */
  fetched?: { fallbackName: string; errorText: (e: unknown) => string | undefined };
}) {
  const l = useLocale();
  const [caseNo, setCaseNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field: string; text: string } | undefined>();
  const go = (e: Event) => {
    e.preventDefault();
    const bad = checkCaseNumber(caseNo);
    if (bad) {
      setProblem({ field: 'case', text: t(CASE_KEYS[bad]) });
      document.getElementById(`${id}-case`)?.focus();
      return;
    }
    const other = extraProblem?.();
    if (other) {
      setProblem(other);
      return;
    }
    setProblem(undefined);
    if (fetched) {
      setBusy(true);
      fetchExport(href(caseNo)).then(
        (r) => {
          setBusy(false);
          saveBlob(r.blob, r.name ?? fetched.fallbackName);
        },
        (e) => {
          setBusy(false);
          setProblem({ field: e instanceof ApiError && e.field === 'case_number' ? 'case' : 'server', text: fetched.errorText(e) ?? describeError(toUiError(e, Date.now()), l) });
        },
      );
      return;
    }
    // A plain navigation to the file: the browser saves it with the session cookie and
    // the server streams it; nothing of it passes through this page's memory.
    const a = document.createElement('a');
    a.href = href(caseNo);
    a.download = '';
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  };
  return (
    <form class="aud-inline-form" onSubmit={go} noValidate>
      <div class="field aud-grow">
        <label for={`${id}-case`}>{t('audit.case_number')}</label>
        <input
          id={`${id}-case`}
          class="input"
          value={caseNo}
          maxLength={80}
          autocomplete="off"
          aria-invalid={problem?.field === 'case' ? true : undefined}
          aria-describedby={`${id}-case-hint ${id}-err`}
          onInput={(e) => setCaseNo(e.currentTarget.value)}
        />
        <span id={`${id}-case-hint`} class="field-hint">
          {t('audit.case_hint')}
        </span>
        <p id={`${id}-err`} class="form-error" role="alert" hidden={!problem}>
          {problem?.text ?? ''}
        </p>
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('audit.preparing') : label}
      </button>
    </form>
  );
}

function BundleForm() {
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const rangeProblem = () => {
    const s = since ? beijingToRfc3339(since) : '';
    const u = until ? beijingToRfc3339(until) : '';
    if (s === undefined || u === undefined) return { field: 'range', text: t('audit.err_time_format') };
    if (s && u && Date.parse(u) <= Date.parse(s)) return { field: 'range', text: t('audit.err_until_before_since') };
    return undefined;
  };
  return (
    <div class="aud-bundle">
      <div class="aud-pair">
        <div class="field">
          <label for="aud-bundle-since">{t('audit.bundle_since')}</label>
          <input id="aud-bundle-since" class="input" type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="aud-bundle-until">{t('audit.bundle_until')}</label>
          <input id="aud-bundle-until" class="input" type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
        </div>
      </div>
      <CaseDownload
        id="aud-bundle"
        label={t('audit.download_bundle')}
        href={(c) => bundleHref({ since, until }, c)}
        extraProblem={rangeProblem}
        fetched={{ fallbackName: 'govchat-audit-bundle.zip', errorText: (e) => (e instanceof ApiError && e.code === 'not_found' ? t('audit.err_bundle_empty') : undefined) }}
      />
    </div>
  );
}

/** Saves a small text as a file (the checkpoint the auditor keeps). */
function saveText(text: string, name: string) {
  saveBlob(new Blob([text], { type: 'text/plain;charset=utf-8' }), name);
}

function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="btn btn-secondary btn-small"
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 2000);
          },
          () => undefined,
        )
      }
    >
      {done ? t('audit.copied') : t('audit.copy')}
    </button>
  );
}
