import { describe, expect, it } from 'vitest';
import { draftsOf, newRule, ruleIndexOf, rulesOf } from './form';
import { DEFAULT_RULES } from './types';

describe('the rules form', () => {
  it('round-trips the rules, keywords one a line', () => {
    const rules = [...DEFAULT_RULES, { id: 'kw_1', kind: 'keyword' as const, name: '代号', keywords: ['猎鹰', 'Falcon'], actions: ['block', 'warn', 'off', 'alert'] as const }];
    const ds = draftsOf(rules.map((r) => ({ ...r, actions: [...r.actions] })));
    expect(ds[4].keywords).toBe('猎鹰\nFalcon');
    ds[4].keywords = ' 猎鹰 \n\nFalcon\n';
    expect(rulesOf(ds)[4]).toEqual({ id: 'kw_1', kind: 'keyword', name: '代号', keywords: ['猎鹰', 'Falcon'], actions: ['block', 'warn', 'off', 'alert'] });
    expect(rulesOf(ds).slice(0, 4)).toEqual(DEFAULT_RULES);
  });
  it('gives a new rule an id not taken', () => {
    const ds = draftsOf(DEFAULT_RULES);
    ds.push(newRule(ds, 'regex'));
    expect(newRule(ds, 'regex').id).toBe('re_2');
    expect(newRule(ds, 'keyword').id).toBe('kw_1');
  });
  it('places a refusal on its rule', () => {
    expect(ruleIndexOf('rules[4].pattern')).toBe(4);
    expect(ruleIndexOf('rules')).toBeUndefined();
  });
});
