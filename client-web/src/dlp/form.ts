// The officer's rules page as a form: drafts of the rules (keywords as one line each),
// back to the wire's rules, and the server's refusal placed on the rule it names.

import type { DlpAction, DlpRule } from './types';

export interface RuleDraft {
  id: string;
  kind: DlpRule['kind'];
  name: string;
  /** Keyword rules: one keyword a line. */
  keywords: string;
  pattern: string;
  actions: DlpAction[];
}

export const ACTIONS: readonly DlpAction[] = ['off', 'warn', 'block', 'alert'];

export function draftsOf(rules: readonly DlpRule[]): RuleDraft[] {
  return rules.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    keywords: (r.keywords ?? []).join('\n'),
    pattern: r.pattern ?? '',
    actions: [...r.actions],
  }));
}

export function rulesOf(ds: readonly RuleDraft[]): DlpRule[] {
  return ds.map((d) => {
    const r: DlpRule = { id: d.id, kind: d.kind, name: d.name.trim(), actions: [...d.actions] };
    if (d.kind === 'keyword') r.keywords = d.keywords.split('\n').map((k) => k.trim()).filter(Boolean);
    if (d.kind === 'regex') r.pattern = d.pattern;
    return r;
  });
}

/** A new rule of the officer's: an id not taken (kw_1, re_2 …), warn at every level. */
export function newRule(ds: readonly RuleDraft[], kind: 'keyword' | 'regex'): RuleDraft {
  const prefix = kind === 'keyword' ? 'kw_' : 're_';
  let n = 1;
  while (ds.some((d) => d.id === `${prefix}${n}`)) n++;
  return { id: `${prefix}${n}`, kind, name: '', keywords: '', pattern: '', actions: ['warn', 'warn', 'warn', 'warn'] };
}

/** Which rule a refusal's field names ("rules[4].pattern" → 4), or undefined. */
export function ruleIndexOf(field: string | undefined): number | undefined {
  const m = /^rules\[(\d+)\]/.exec(field ?? '');
  return m ? Number(m[1]) : undefined;
}
