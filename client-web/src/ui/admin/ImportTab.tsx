// 批量导入: choose a CSV file, check it (dry run), then import it.

import { useState } from 'preact/hooks';
import { decodeCsv, type CsvProblem } from '../../admin/csvFile';
import { ImportFailure, type Importer } from '../../admin/importApi';
import { formatSize, templateBlobParts, TEMPLATE_CSV, TEMPLATE_FILE_NAME } from '../../admin/importTemplate';
import type { ImportResult } from '../../admin/types';
import { toUiError } from '../../errors';
import { t } from '../../i18n';
import { ImportReport, type Outcome } from './ImportReport';

interface Chosen {
  name: string;
  size: number;
  text: string;
}

type LocalProblem = CsvProblem | { kind: 'read_failed' };

export function ImportTab({ importer, onImported }: { importer: Importer; onImported: () => void }) {
  const [file, setFile] = useState<Chosen>();
  const [problem, setProblem] = useState<LocalProblem>();
  const [busy, setBusy] = useState<'check' | 'apply'>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [checked, setChecked] = useState(false);

  const choose = async (input: HTMLInputElement) => {
    setFile(undefined);
    setProblem(undefined);
    setOutcome(undefined);
    setChecked(false);
    const f = input.files?.[0];
    if (!f) return;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await f.arrayBuffer());
    } catch {
      setProblem({ kind: 'read_failed' });
      return;
    }
    const r = decodeCsv(bytes);
    if (r.ok) setFile({ name: f.name, size: f.size, text: r.text });
    else setProblem(r.problem);
  };

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'apply');
    setOutcome(undefined);
    try {
      const result: ImportResult = await importer(file.text, dryRun);
      setOutcome({ kind: 'result', result });
      setChecked(dryRun);
      if (!dryRun) onImported();
    } catch (err) {
      setChecked(false);
      setOutcome(err instanceof ImportFailure ? { kind: 'failure', failure: err } : { kind: 'error', error: toUiError(err, Date.now()) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div class="adm-stack">
      <p>{t('admin.import.intro')}</p>
      <FormatHelp />
      <div class="panel adm-form">
        <div class="field">
          <label htmlFor="adm-import-file">{t('admin.import.file')}</label>
          <input
            id="adm-import-file"
            type="file"
            class="adm-file"
            accept=".csv,text/csv"
            aria-describedby="adm-import-file-hint"
            disabled={!!busy}
            onChange={(e) => void choose(e.currentTarget as HTMLInputElement)}
          />
          <p id="adm-import-file-hint" class="field-hint">
            {t('admin.import.file_hint')}
          </p>
        </div>
        {file ? <p class="muted">{t('admin.import.chosen', { name: file.name, size: formatSize(file.size) })}</p> : null}
        <p class="form-error" role="alert" hidden={!problem}>
          {problem ? localProblemText(problem) : ''}
        </p>
        <div class="adm-actions">
          <button type="button" class="btn btn-secondary" disabled={!file || !!busy} aria-busy={busy === 'check'} onClick={() => void run(true)}>
            {busy === 'check' ? t('admin.import.checking') : t('admin.import.dry_run')}
          </button>
          <button
            type="button"
            class="btn btn-primary"
            disabled={!file || !checked || !!busy}
            aria-busy={busy === 'apply'}
            aria-describedby="adm-import-apply-hint"
            onClick={() => void run(false)}
          >
            {busy === 'apply' ? t('admin.import.applying') : t('admin.import.apply')}
          </button>
        </div>
        <p id="adm-import-apply-hint" class="field-hint">
          {t('admin.import.apply_hint')}
        </p>
      </div>
      {outcome ? <ImportReport outcome={outcome} /> : null}
    </div>
  );
}

function localProblemText(p: LocalProblem): string {
  switch (p.kind) {
    case 'not_utf8':
      return t('admin.import.local.not_utf8', { line: p.line });
    case 'utf16':
      return t('admin.import.local.utf16');
    case 'empty':
      return t('admin.import.local.empty');
    case 'too_large':
      return t('admin.import.local.too_large');
    case 'read_failed':
      return t('admin.import.local.read_failed');
  }
}

function downloadTemplate() {
  const url = URL.createObjectURL(new Blob(templateBlobParts(), { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = TEMPLATE_FILE_NAME;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function FormatHelp() {
  return (
    <details class="adm-help">
      <summary>{t('admin.import.format_title')}</summary>
      <ul>
        <li>{t('admin.import.format_encoding')}</li>
        <li>{t('admin.import.format_columns')}</li>
        <li>{t('admin.import.format_paths')}</li>
        <li>{t('admin.import.format_phone')}</li>
        <li>{t('admin.import.format_watchers')}</li>
      </ul>
      <p>{t('admin.import.example')}</p>
      <pre class="adm-pre" tabIndex={0}>
        {TEMPLATE_CSV}
      </pre>
      <button type="button" class="btn btn-secondary" onClick={downloadTemplate}>
        {t('admin.import.template')}
      </button>
    </details>
  );
}
