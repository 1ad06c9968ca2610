// Rule names for the texts people read: the officer's names from the last rule set this
// page read, the built-in ones from the dictionary, else the id.

import { translate, type Locale, type MessageKey } from '../i18n';
import type { DlpRule } from './types';

let known = new Map<string, string>();

/** Remembers the names of a rule set just read from the server. */
export function rememberRules(rules: readonly DlpRule[]) {
  known = new Map(rules.map((r) => [r.id, r.name]));
}

/** "身份证号、密级标志" for rule ids. */
export function ruleNames(ids: readonly string[] | undefined, locale: Locale): string {
  const builtin = (id: string) => (['id_card', 'mobile', 'bank_card', 'secret_mark'].includes(id) ? translate(locale, `dlp.rule.${id}` as MessageKey) : undefined);
  const names = (ids ?? []).map((id) => (locale === 'zh-CN' ? known.get(id) : undefined) ?? builtin(id) ?? known.get(id) ?? id);
  return names.join(translate(locale, 'dlp.list_sep'));
}
