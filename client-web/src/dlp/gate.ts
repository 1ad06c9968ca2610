// The check of files before they are encrypted (PROTOCOL.md §4.25): each file's name
// and, for txt, docx and pdf, its text go through the rules at the level the file will be
// sent at. Blocked files are refused with the rules' names; files with warnings go only if
// the sender confirms (继续发送 / 取消); alerts go without asking. Every hit is reported
// (POST /dlp/hits: rule ids and counts, never the text) with what the sender did.

import type { Request } from '../api';
import { getRules, postHits } from './api';
import { rememberRules } from './names';
import { compile, decide, type Verdict } from './scan';
import { DEFAULT_RULES, type DlpHit, type DlpKind, type DlpRule, type DlpTaken } from './types';

export interface FileCheck<F> {
  file: F;
  nameHits: DlpHit[];
  textHits: DlpHit[];
  verdict: Verdict;
  /** The text was read only in part (a bound), or not at all (a kind not read). */
  partial: boolean;
}

/** Asks the sender: warn → continue (true) or cancel; block → told (the answer is ignored). */
export type Ask = (kind: 'warn' | 'block', files: readonly string[], ruleIds: readonly string[]) => Promise<boolean>;

export interface GateDeps {
  request: Request;
  ask: Ask;
  now?: () => number;
}

type Named = Blob & { name: string };

/** Scans one file's name and text under rules at level. */
export async function checkFile<F extends Named>(rules: readonly DlpRule[], file: F, level: number, now?: () => number): Promise<FileCheck<F>> {
  const m = compile(rules);
  const nameHits = m.scan(file.name);
  // The readers of docx and pdf (and fflate under them) are fetched with the first file.
  const { fileText } = await import('./extract');
  const text = await fileText(file, now);
  const textHits = text ? m.scan(text.text) : [];
  const all = new Map<string, number>();
  for (const h of [...nameHits, ...textHits]) all.set(h.id, (all.get(h.id) ?? 0) + h.count);
  const verdict = decide(rules, [...all].map(([id, count]) => ({ id, count })), level);
  return { file, nameHits, textHits, verdict, partial: text?.partial ?? false };
}

export function createDlpGate(d: GateDeps) {
  async function rules(): Promise<DlpRule[]> {
    try {
      const r = await getRules(d.request);
      rememberRules(r.rules);
      return r.rules;
    } catch {
      return DEFAULT_RULES; // offline or an older server: the defaults still guard
    }
  }

  function report(context: string, level: number, c: FileCheck<unknown>, taken: DlpTaken) {
    const send = (kind: DlpKind, hits: DlpHit[]) => {
      const acted = hits.filter((h) => c.verdict.hits.some((v) => v.id === h.id));
      if (acted.length) void postHits(d.request, { context, kind, level, rules: acted, action_taken: taken }).catch(() => undefined);
    };
    send('file_name', c.nameHits);
    send('file_text', c.textHits);
  }

  return {
    /** The files that may go to the channel at level; the others were refused or
     * cancelled, each hit reported. */
    async check<F extends Named>(channelId: number, level: number, files: readonly F[]): Promise<F[]> {
      const rs = await rules();
      const checks = await Promise.all(files.map((f) => checkFile(rs, f, level, d.now)));
      const context = `channel:${channelId}`;
      const blocked = checks.filter((c) => c.verdict.action === 'block');
      const warned = checks.filter((c) => c.verdict.action === 'warn');
      const ids = (cs: FileCheck<F>[], a: 'block' | 'warn') => [...new Set(cs.flatMap((c) => c.verdict.hits.filter((h) => h.action === a).map((h) => h.id)))];
      if (blocked.length) {
        for (const c of blocked) report(context, level, c, 'blocked');
        await d.ask('block', blocked.map((c) => c.file.name), ids(blocked, 'block'));
      }
      let go = true;
      if (warned.length) {
        go = await d.ask('warn', warned.map((c) => c.file.name), ids(warned, 'warn'));
        for (const c of warned) report(context, level, c, go ? 'sent_after_warning' : 'cancelled');
      }
      for (const c of checks) if (c.verdict.action === 'alert') report(context, level, c, 'sent');
      return checks.filter((c) => c.verdict.action === 'off' || c.verdict.action === 'alert' || (go && c.verdict.action === 'warn')).map((c) => c.file);
    },
  };
}

export type DlpGate = ReturnType<typeof createDlpGate>;
