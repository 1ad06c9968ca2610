// What an import check or run came to: the counts and one-time passwords, or every bad
// row of a refused file.

import { useEffect, useRef } from 'preact/hooks';
import type { ImportFailure } from '../../admin/importApi';
import { badLineCount, isKnownRowCode, unreadableKind } from '../../admin/importErrors';
import { passwordsAsCsv } from '../../admin/importTemplate';
import type { ImportResult, ImportRowError } from '../../admin/types';
import type { UiError } from '../../errors';
import { t, type MessageKey } from '../../i18n';
import { AdminError, CopyButton } from './shared';

export type Outcome = { kind: 'result'; result: ImportResult } | { kind: 'failure'; failure: ImportFailure } | { kind: 'error'; error: UiError };

export function ImportReport({ outcome }: { outcome: Outcome }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [outcome]);
  return (
    <div class="adm-report" tabIndex={-1} ref={ref}>
      {outcome.kind === 'result' ? (
        <ResultView r={outcome.result} />
      ) : outcome.kind === 'failure' ? (
        <FailureView f={outcome.failure} />
      ) : (
        <AdminError id="adm-import-error" error={outcome.error} action="import" />
      )}
    </div>
  );
}

const COUNTS = ['rows', 'users_created', 'users_updated', 'departments_created', 'party_orgs_created'] as const;

function ResultView({ r }: { r: ImportResult }) {
  const otps = r.one_time_passwords ?? [];
  return (
    <div class="panel adm-form adm-ok">
      <div role="status">
        <h2 class="adm-h3">{t(r.dry_run ? 'admin.import.dry_ok' : 'admin.import.done')}</h2>
      </div>
      <dl class="adm-counts">
        {COUNTS.map((c) => (
          <div key={c}>
            <dt>{t(`admin.import.count.${c}` as MessageKey)}</dt>
            <dd>{r[c]}</dd>
          </div>
        ))}
      </dl>
      {otps.length ? (
        <div class="adm-otp">
          <h3 class="adm-otp-title">{t('admin.import.otp_title')}</h3>
          <p class="adm-otp-warn">{t('admin.import.otp_once')}</p>
          <div class="adm-table-box">
            <table class="adm-table adm-table-plain">
              <thead>
                <tr>
                  <th scope="col">{t('admin.import.col.username')}</th>
                  <th scope="col">{t('admin.import.col.password')}</th>
                </tr>
              </thead>
              <tbody>
                {otps.map((o) => (
                  <tr key={o.username}>
                    <td class="adm-mono">{o.username}</td>
                    <td class="adm-mono adm-otp-cell">{o.password}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CopyButton text={passwordsAsCsv(otps)} label={t('admin.import.copy_all')} />
        </div>
      ) : null}
    </div>
  );
}

function FailureView({ f }: { f: ImportFailure }) {
  if (f.error.code !== 'import_invalid') {
    const ui: UiError = { code: f.error.code, at: Date.now(), requestId: f.error.requestId, retryAfter: f.error.retryAfter, field: f.error.field };
    return <AdminError id="adm-import-error" error={ui} action="import" />;
  }
  if (!f.rows) {
    return (
      <div class="form-error" role="alert">
        <p>{t(`admin.import.unreadable.${unreadableKind(f.detail)}` as MessageKey)}</p>
        {f.detail ? <p class="adm-small">{t('admin.import.server_detail', { message: f.detail })}</p> : null}
      </div>
    );
  }
  const rows = f.rows;
  return (
    <div class="panel adm-form adm-bad">
      <div role="alert">
        <h2 class="adm-h3 adm-bad-title">{t('admin.import.invalid_title')}</h2>
        <p>{t('admin.import.invalid_summary', { lines: badLineCount(rows), n: rows.length })}</p>
      </div>
      <div class="adm-table-box">
        <table class="adm-table" aria-label={t('admin.import.rows_label')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.import.col.line')}</th>
              <th scope="col">{t('admin.import.col.column')}</th>
              <th scope="col">{t('admin.import.col.problem')}</th>
              <th scope="col">{t('admin.import.col.value')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <th scope="row" data-label={t('admin.import.col.line')}>
                  {r.line}
                </th>
                <td data-label={t('admin.import.col.column')}>{r.column ?? t('admin.import.whole_line')}</td>
                <td data-label={t('admin.import.col.problem')}>{rowText(r)}</td>
                <td data-label={t('admin.import.col.value')} class="adm-mono">
                  {r.value ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function rowText(r: ImportRowError): string {
  return isKnownRowCode(r.code) ? t(`admin.import.code.${r.code}` as MessageKey) : t('admin.import.code_other', { code: r.code, message: r.message });
}
