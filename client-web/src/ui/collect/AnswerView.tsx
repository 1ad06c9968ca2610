// An answer as sent, read-only: the person's own (before 修改) and, for the author, any row
// of the table opened. Files are shown (and opened) as in a channel, their keys read in the
// context collection:<id>.

import { rowsOf } from '../../collect/status';
import type { Field, Values } from '../../collect/types';
import { attachmentOf } from '../../collect/answer';
import { t } from '../../i18n';
import { AttachmentView } from '../files/AttachmentView';
import { AttachmentScope } from '../files/scope';

function simple(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.join('、');
  return String(v);
}

export function AnswerView({ fields, values, context }: { fields: readonly Field[]; values: Values | undefined; context: string }) {
  return (
    <dl class="cl-answer">
      {fields.map((f) => {
        const v = values?.[f.id];
        return (
          <div key={f.id} class="cl-answer-item">
            <dt>{f.label}</dt>
            <dd>
              {f.type === 'file' ? (
                <FileValue v={v} context={context} />
              ) : f.type === 'table' ? (
                <MiniTable f={f} v={v} />
              ) : (
                simple(v)
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function FileValue({ v, context }: { v: unknown; context: string }) {
  const a = attachmentOf(v);
  if (!a) return <>—</>;
  return (
    <AttachmentScope context={context} gallery={() => []}>
      <div class="cl-kept-item">
        <AttachmentView att={a} />
      </div>
    </AttachmentScope>
  );
}

export function MiniTable({ f, v }: { f: Field; v: unknown }) {
  const rows = rowsOf(v);
  if (!rows.length) return <>—</>;
  const cols = f.columns ?? [];
  return (
    <div class="cl-scroll">
      <table class="cl-mini">
        <thead>
          <tr>
            <th scope="col">#</th>
            {cols.map((c) => (
              <th key={c.id} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              {cols.map((c) => (
                <td key={c.id}>{simple(r?.[c.id])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <span class="visually-hidden">{t('collect.table_rows', { n: rows.length })}</span>
    </div>
  );
}
