// The data-loss-prevention rules as the server sends them (PROTOCOL.md §4.25,
// protocol/dlp.go).

export type DlpAction = 'off' | 'warn' | 'block' | 'alert';
export type DlpRuleKind = 'builtin' | 'keyword' | 'regex';

export interface DlpRule {
  id: string;
  kind: DlpRuleKind;
  name: string;
  keywords?: string[];
  pattern?: string;
  /** One per secrecy level, level 0 first. */
  actions: DlpAction[];
}

export interface DlpRules {
  rules: DlpRule[];
  updated_at?: string;
  updated_by?: number;
}

/** One rule's hits: its id and how many, never what matched. */
export interface DlpHit {
  id: string;
  count: number;
}

export type DlpKind = 'file_name' | 'file_text';
export type DlpTaken = 'blocked' | 'cancelled' | 'sent_after_warning' | 'sent';

export interface DlpHitsRequest {
  context: string;
  kind: DlpKind;
  level: number;
  rules: DlpHit[];
  action_taken: DlpTaken;
}

export const BUILTIN_IDS = ['id_card', 'mobile', 'bank_card', 'secret_mark'] as const;

/** The rules a deployment starts with (protocol.DefaultDLPRules); the browser checks
 * files with them when the server's cannot be read. */
export const DEFAULT_RULES: DlpRule[] = [
  { id: 'id_card', kind: 'builtin', name: '身份证号', actions: ['warn', 'warn', 'alert', 'alert'] },
  { id: 'mobile', kind: 'builtin', name: '手机号', actions: ['warn', 'off', 'off', 'off'] },
  { id: 'bank_card', kind: 'builtin', name: '银行卡号', actions: ['warn', 'warn', 'alert', 'alert'] },
  { id: 'secret_mark', kind: 'builtin', name: '密级标志', actions: ['block', 'block', 'block', 'alert'] },
];
