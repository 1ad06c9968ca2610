import { describe, expect, it } from 'vitest';
import { compile, decide } from './scan';
import { DEFAULT_RULES, type DlpAction, type DlpRule } from './types';

// The corpus the Go engine passes too (internal/dlp/corpus_test.go).
const CORPUS = import.meta.glob<unknown>('../../../protocol/testdata/dlp_corpus.json', { eager: true, import: 'default' });
const corpus = Object.values(CORPUS)[0] as {
  rules: DlpRule[];
  cases: { name: string; text: string; hits: Record<string, number>; level?: number; action?: DlpAction }[];
};

describe('the shared DLP corpus', () => {
  it('is whole', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(40);
  });
  it('starts from the defaults (protocol.DefaultDLPRules)', () => {
    expect(corpus.rules.slice(0, 4)).toEqual(DEFAULT_RULES);
  });
  const m = compile(corpus.rules);
  for (const c of corpus.cases) {
    it(c.name, () => {
      const hits = m.scan(c.text);
      expect(Object.fromEntries(hits.map((h) => [h.id, h.count]))).toEqual(c.hits);
      if (c.level !== undefined) expect(decide(corpus.rules, hits, c.level).action).toBe(c.action);
    });
  }
});
