// 密级设置: the four levels (name, English name, colour, retention, rules), saved after a
// confirmation that lists every change; and each channel's ceiling and usual level.

import { useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { describeError, toUiError, type UiError } from '../../errors';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { putLevels } from '../../secrecy/api';
import { textOn } from '../../secrecy/ladder';
import {
  changesOf,
  checkLevels,
  draftsOf,
  hasProblems,
  levelsOf,
  retentionOf,
  retentionWords,
  shortensRetention,
  type Change,
  type LevelDraft,
  type LevelProblem,
  type LevelProblems,
} from '../../secrecy/levelsForm';
import type { SecrecyStore } from '../../secrecy/store';
import { RULES, type LevelRules } from '../../secrecy/types';
import { Modal } from '../groups/Modal';
import { useLocale, useStore } from '../hooks';
import { ChannelCeilings } from './ChannelCeilings';

export const RULE_KEYS: Record<keyof LevelRules, MessageKey> = {
  push_text: 'secrecy.rule_push_text',
  forward: 'secrecy.rule_forward',
  download: 'secrecy.rule_download',
  copy: 'secrecy.rule_copy',
  watermark: 'secrecy.rule_watermark',
  store: 'secrecy.rule_store',
};

const FIELD_KEYS: Record<string, MessageKey> = {
  name: 'secrecy.f_name',
  name_en: 'secrecy.f_name_en',
  color: 'secrecy.f_color',
  retention: 'secrecy.f_retention',
  retention_days: 'secrecy.f_retention',
  ...RULE_KEYS,
};

/** The words for one problem of the levels form. */
export function levelProblemText(p: LevelProblem): string {
  const field = t(FIELD_KEYS[p.field]!);
  switch (p.problem) {
    case 'required':
      return t('secrecy.p_required', { field });
    case 'too_long':
      return t('secrecy.p_too_long', { field, max: p.max ?? 0 });
    case 'control':
      return t('secrecy.p_control', { field });
    case 'duplicate':
      return t('secrecy.p_duplicate', { field });
    case 'color':
      return t('secrecy.p_color');
    case 'retention':
      return t('secrecy.p_retention');
  }
}

export function LevelsTab({ request, secrecy }: { request: Request; secrecy: SecrecyStore }) {
  return (
    <>
      <LevelsForm request={request} secrecy={secrecy} />
      <ChannelCeilings request={request} secrecy={secrecy} />
    </>
  );
}

function LevelsForm({ request, secrecy }: { request: Request; secrecy: SecrecyStore }) {
  const l = useLocale();
  const s = useStore(secrecy);
  const [drafts, setDrafts] = useState<LevelDraft[]>(() => draftsOf(s.levels));
  const [problems, setProblems] = useState<LevelProblems>({});
  const [confirm, setConfirm] = useState<Change[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | undefined>();
  const [note, setNote] = useState<string | undefined>();
  // The ladder read from the server replaces the defaults shown until then (unless edited).
  const [base, setBase] = useState(s.levels);
  useEffect(() => {
    if (s.levels !== base && changesOf(base, levelsOf(drafts)).length === 0) setDrafts(draftsOf(s.levels));
    setBase(s.levels);
  }, [s.levels]);
  useEffect(() => void secrecy.load(), [secrecy]);

  const set = (level: number, v: Partial<LevelDraft>) => {
    setNote(undefined);
    setDrafts((ds) => ds.map((d) => (d.level === level ? { ...d, ...v } : d)));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const found = checkLevels(drafts);
    setProblems(found);
    if (hasProblems(found)) {
      setNote(t('secrecy.p_fix'));
      const first = document.querySelector<HTMLElement>('.sec-levels [aria-invalid="true"]');
      first?.focus();
      return;
    }
    const changes = changesOf(s.levels, levelsOf(drafts));
    if (changes.length === 0) {
      setNote(t('secrecy.no_changes'));
      return;
    }
    setConfirm(changes);
  };

  const save = async () => {
    setBusy(true);
    try {
      const c = await putLevels(request, levelsOf(drafts));
      secrecy.apply(c);
      setDrafts(draftsOf(c.levels));
      setConfirm(undefined);
      setNote(t('secrecy.saved'));
    } catch (err) {
      setError(toUiError(err, Date.now()));
      setConfirm(undefined);
    } finally {
      setBusy(false);
    }
  };

  const nameOf = (level: number) => s.levels.find((x) => x.level === level)?.name ?? String(level);
  const valueText = (v: string | number | boolean) => (typeof v === 'boolean' ? t(v ? 'secrecy.on' : 'secrecy.off') : String(v));

  return (
    <section class="esc-section" aria-labelledby="sec-levels-title">
      <h2 id="sec-levels-title" class="esc-heading">
        {t('secrecy.levels_title')}
      </h2>
      <p class="esc-explain">{t('secrecy.levels_explain')}</p>
      <p class="muted sec-updated">{s.updatedAt ? t('secrecy.levels_updated', { time: formatDateTime(s.updatedAt, l) }) : t('secrecy.levels_never')}</p>
      <form class="sec-levels" onSubmit={submit} noValidate>
        <div class="sec-level-grid">
          {drafts.map((d) => (
            <LevelCard key={d.level} d={d} problems={problems[d.level] ?? {}} onChange={(v) => set(d.level, v)} />
          ))}
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {levelsErrorText(error, l)}
          </p>
        ) : null}
        {note ? (
          <p class={hasProblems(problems) ? 'form-error' : 'esc-ok'} role="status">
            {note}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('secrecy.saving') : t('secrecy.save_levels')}
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              setDrafts(draftsOf(s.levels));
              setProblems({});
              setNote(undefined);
            }}
          >
            {t('secrecy.reset')}
          </button>
        </div>
      </form>
      {confirm ? (
        <Modal id="sec-levels-confirm" title={t('secrecy.confirm_title')} onClose={() => setConfirm(undefined)} size="narrow">
          <p>{t('secrecy.confirm_intro')}</p>
          <ul class="sec-changes">
            {confirm.map((c) => (
              <li key={`${c.level}-${c.field}`}>
                {t('secrecy.change_field', { level: nameOf(c.level), field: t(FIELD_KEYS[c.field]!), from: valueText(c.from), to: valueText(c.to) })}
              </li>
            ))}
          </ul>
          {shortensRetention(confirm) ? (
            <p class="form-error" role="note">
              {t('secrecy.confirm_shorter')}
            </p>
          ) : null}
          <div class="form-actions">
            <button type="button" class="btn btn-primary" data-autofocus disabled={busy} onClick={() => void save()}>
              {busy ? t('secrecy.saving') : t('secrecy.confirm_ok')}
            </button>
            <button type="button" class="btn btn-secondary" onClick={() => setConfirm(undefined)}>
              {t('secrecy.cancel')}
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

/** The server's refusal of a ladder: a field named (levels[2].retention_days) in words. */
export function levelsErrorText(e: UiError, l: ReturnType<typeof useLocale>): string {
  if (e.code === 'forbidden') return t('secrecy.err_forbidden');
  const m = /^levels\[(\d+)\]\.(\w+)$/.exec(e.field ?? '');
  if (m && FIELD_KEYS[m[2]!]) return `${t('secrecy.level_n', { n: Number(m[1]) })}：${t('secrecy.err_field', { field: t(FIELD_KEYS[m[2]!]!) })}`;
  return describeError(e, l);
}

function LevelCard({ d, problems, onChange }: { d: LevelDraft; problems: Partial<Record<string, LevelProblem>>; onChange: (v: Partial<LevelDraft>) => void }) {
  const id = `sec-level-${d.level}`;
  const days = retentionOf(d.retention);
  const words = days ? retentionWords(days) : undefined;
  const color = /^#[0-9a-fA-F]{6}$/.test(d.color.trim()) ? d.color.trim() : '#888888';
  const field = (name: 'name' | 'name_en' | 'color' | 'retention', label: MessageKey, input: preact.JSX.Element, hint?: string) => {
    const p = problems[name];
    return (
      <div class="field sec-field">
        <label for={`${id}-${name}`}>{t(label)}</label>
        {input}
        {hint ? (
          <span class="field-hint" id={`${id}-${name}-hint`}>
            {hint}
          </span>
        ) : null}
        {p ? (
          <span class="sec-problem" id={`${id}-${name}-problem`}>
            {levelProblemText(p)}
          </span>
        ) : null}
      </div>
    );
  };
  const described = (name: string, hint = false) => [hint ? `${id}-${name}-hint` : '', problems[name] ? `${id}-${name}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class="sec-level" data-level={d.level}>
      <legend class="sec-level-legend">
        {t('secrecy.level_n', { n: d.level })}
        <span class="sec-preview" aria-label={t('secrecy.preview')} style={{ background: color, color: textOn(color) }}>
          {d.level >= 2 ? '★' : ''}
          {d.name || '—'}
        </span>
      </legend>
      {field(
        'name',
        'secrecy.f_name',
        <input id={`${id}-name`} class="input" value={d.name} maxLength={16} aria-invalid={problems.name ? true : undefined} aria-describedby={described('name')} onInput={(e) => onChange({ name: e.currentTarget.value })} />,
      )}
      {field(
        'name_en',
        'secrecy.f_name_en',
        <input id={`${id}-name_en`} class="input" value={d.name_en} maxLength={40} lang="en" aria-invalid={problems.name_en ? true : undefined} aria-describedby={described('name_en')} onInput={(e) => onChange({ name_en: e.currentTarget.value })} />,
      )}
      {field(
        'color',
        'secrecy.f_color',
        <span class="sec-color">
          <input type="color" class="sec-color-pick" value={color} aria-label={t('secrecy.f_color')} onInput={(e) => onChange({ color: e.currentTarget.value })} />
          <input id={`${id}-color`} class="input sec-color-text" value={d.color} maxLength={7} spellcheck={false} aria-invalid={problems.color ? true : undefined} aria-describedby={described('color')} onInput={(e) => onChange({ color: e.currentTarget.value })} />
        </span>,
      )}
      {field(
        'retention',
        'secrecy.f_retention',
        <input
          id={`${id}-retention`}
          class="input sec-retention"
          inputMode="numeric"
          value={d.retention}
          aria-invalid={problems.retention ? true : undefined}
          aria-describedby={described('retention', !!words)}
          onInput={(e) => onChange({ retention: e.currentTarget.value })}
        />,
        words ? t('secrecy.retention_hint', { text: t(`secrecy.${words.unit}` as MessageKey, { n: words.n }) }) : undefined,
      )}
      <div class="sec-rules">
        {RULES.map((r) => (
          <label key={r} class="sec-rule">
            <input type="checkbox" checked={d[r]} onChange={(e) => onChange({ [r]: e.currentTarget.checked } as Partial<LevelDraft>)} />
            <span>{t(RULE_KEYS[r])}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
