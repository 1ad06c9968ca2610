// 数据防泄漏: the security officer's DLP rules — the four built-in detectors, keyword
// lists and regular expressions, each with an action per secrecy level — saved whole;
// a refusal is shown on the rule it names, with the reason in words.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Request } from '../../api';
import { getRules, putRules } from '../../dlp/api';
import { ACTIONS, draftsOf, newRule, ruleIndexOf, rulesOf, type RuleDraft } from '../../dlp/form';
import { rememberRules } from '../../dlp/names';
import type { DlpAction } from '../../dlp/types';
import { describeError, toUiError } from '../../errors';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import type { SecrecyStore } from '../../secrecy/store';
import { useLocale, useStore } from '../hooks';
import './dlp.css';

const WHY = new Set(['nested_quantifier', 'backreference', 'lookaround', 'unportable', 'does_not_compile', 'repeat_too_large', 'too_long', 'matches_empty']);

interface Problem {
  index?: number;
  text: string;
}

function problemOf(err: unknown, l: ReturnType<typeof useLocale>): Problem {
  if (err instanceof ApiError && err.code === 'bad_request') {
    const index = ruleIndexOf(err.field);
    const why = err.reason && WHY.has(err.reason) ? t(`dlp.why.${err.reason}` as MessageKey) : t('dlp.why.other');
    if (index !== undefined) return { index, text: t('dlp.err_field', { n: index + 1, why }) };
  }
  return { text: describeError(toUiError(err, Date.now()), l) };
}

export function DlpTab({ request, secrecy }: { request: Request; secrecy: SecrecyStore }) {
  const l = useLocale();
  const s = useStore(secrecy);
  const [drafts, setDrafts] = useState<RuleDraft[] | undefined>();
  const [updated, setUpdated] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = () =>
    getRules(request).then(
      (r) => {
        rememberRules(r.rules);
        setDrafts(draftsOf(r.rules));
        setUpdated(r.updated_at);
      },
      (err) => setProblem(problemOf(err, l)),
    );
  useEffect(() => {
    void load();
    void secrecy.load();
  }, [request]);

  if (!drafts) {
    return problem ? (
      <p class="form-error" role="alert">
        {problem.text}{' '}
        <button type="button" class="btn btn-quiet btn-small" onClick={() => void load()}>
          {t('secrecy.retry')}
        </button>
      </p>
    ) : (
      <p class="muted">{t('secrecy.loading')}</p>
    );
  }

  const levelName = (n: number) => s.levels.find((x) => x.level === n)?.name ?? String(n);
  const set = (i: number, v: Partial<RuleDraft>) => {
    setNote(undefined);
    setDrafts((ds) => ds!.map((d, j) => (j === i ? { ...d, ...v } : d)));
  };
  const setAction = (i: number, level: number, a: DlpAction) => set(i, { actions: drafts[i].actions.map((x, k) => (k === level ? a : x)) });
  const remove = (i: number) => setDrafts((ds) => ds!.filter((_, j) => j !== i));
  const add = (kind: 'keyword' | 'regex') => setDrafts((ds) => [...ds!, newRule(ds!, kind)]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setNote(undefined);
    try {
      const r = await putRules(request, rulesOf(drafts));
      rememberRules(r.rules);
      setDrafts(draftsOf(r.rules));
      setUpdated(r.updated_at);
      setNote(t('dlp.saved'));
    } catch (err) {
      const p = problemOf(err, l);
      setProblem(p);
      if (p.index !== undefined) document.getElementById(`dlp-rule-${p.index}`)?.querySelector<HTMLElement>('input, textarea')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const actions = (d: RuleDraft, i: number) => (
    <div class="dlp-actions">
      {d.actions.map((a, level) => (
        <label key={level} class="dlp-action">
          <span class="dlp-level">{levelName(level)}</span>
          <select class={`dlp-select dlp-${a}`} value={a} onChange={(e) => setAction(i, level, (e.target as HTMLSelectElement).value as DlpAction)}>
            {ACTIONS.map((x) => (
              <option key={x} value={x}>
                {t(`dlp.action.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
  const rowError = (i: number) =>
    problem?.index === i ? (
      <p class="form-error" role="alert" id={`dlp-rule-${i}-error`}>
        {problem.text}
      </p>
    ) : null;

  const card = (d: RuleDraft, i: number) => (
    <div key={d.id} id={`dlp-rule-${i}`} class={`dlp-rule${problem?.index === i ? ' dlp-rule-bad' : ''}`}>
      {d.kind === 'builtin' ? (
        <h4 class="dlp-rule-name">{t(`dlp.rule.${d.id}` as MessageKey)}</h4>
      ) : (
        <div class="dlp-fields">
          <label class="dlp-field">
            <span>{t('dlp.rule_name')}</span>
            <input value={d.name} maxLength={32} placeholder={t('dlp.name_placeholder')} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
          </label>
          {d.kind === 'keyword' ? (
            <label class="dlp-field dlp-wide">
              <span>{t('dlp.keyword_list')}</span>
              <textarea rows={3} value={d.keywords} onInput={(e) => set(i, { keywords: (e.target as HTMLTextAreaElement).value })} />
            </label>
          ) : (
            <label class="dlp-field dlp-wide">
              <span>{t('dlp.pattern')}</span>
              <input
                class="dlp-pattern"
                value={d.pattern}
                maxLength={256}
                spellcheck={false}
                placeholder={t('dlp.pattern_placeholder')}
                aria-invalid={problem?.index === i ? 'true' : undefined}
                aria-describedby={problem?.index === i ? `dlp-rule-${i}-error` : undefined}
                onInput={(e) => set(i, { pattern: (e.target as HTMLInputElement).value })}
              />
            </label>
          )}
        </div>
      )}
      {actions(d, i)}
      {rowError(i)}
      {d.kind === 'builtin' ? null : (
        <button type="button" class="btn btn-quiet btn-small dlp-remove" onClick={() => remove(i)}>
          {t('dlp.remove')}
        </button>
      )}
    </div>
  );

  const group = (kind: RuleDraft['kind']) => drafts.map((d, i) => (d.kind === kind ? card(d, i) : null));
  return (
    <section class="esc-section dlp-page" aria-labelledby="dlp-title">
      <h2 id="dlp-title" class="esc-heading">
        {t('dlp.title')}
      </h2>
      <p class="esc-explain">{t('dlp.intro')}</p>
      <p class="muted">{updated ? t('dlp.updated', { time: formatDateTime(updated, l) }) : t('dlp.defaults')}</p>
      <p class="muted dlp-help">{t('dlp.action_help')}</p>
      <form onSubmit={save} noValidate>
        <h3 class="dlp-heading">{t('dlp.builtin')}</h3>
        <div class="dlp-list">{group('builtin')}</div>
        <h3 class="dlp-heading">{t('dlp.keywords')}</h3>
        <div class="dlp-list">{group('keyword')}</div>
        <button type="button" class="btn btn-secondary btn-small" onClick={() => add('keyword')}>
          {t('dlp.add_keywords')}
        </button>
        <h3 class="dlp-heading">{t('dlp.regexes')}</h3>
        <div class="dlp-list">{group('regex')}</div>
        <button type="button" class="btn btn-secondary btn-small" onClick={() => add('regex')}>
          {t('dlp.add_regex')}
        </button>
        {problem && problem.index === undefined ? (
          <p class="form-error" role="alert">
            {problem.text}
          </p>
        ) : null}
        {note ? (
          <p class="esc-ok" role="status">
            {note}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('dlp.saving') : t('dlp.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
