// What a secrecy level (密级, PROTOCOL.md §4.18) switches on in this browser: the viewer's
// watermark, no saving of originals, no copying, nothing kept in browser storage. The
// ladder is the server's (GET /api/v1/secrecy, protocol.SecrecyLevel); these functions
// take it as input so they do not care who fetched it (src/secrecy/ keeps it for the app).

/** The part of protocol.SecrecyLevel this module reads (the full level fits it). */
export interface LevelRules {
  level: number;
  watermark: boolean;
  download: boolean;
  copy: boolean;
  store: boolean;
}

/** The ladder the protections follow: the server's once it has been read, undefined
 * before (src/secrecy/store.ts holds the default ladder meanwhile; here levels above 0
 * stay shut until the server has said what they allow). */
export function protectedLadder<L extends LevelRules>(s: { levels: readonly L[]; loaded: boolean }): readonly L[] | undefined {
  return s.loaded ? s.levels : undefined;
}

/** Rules used for a level the ladder does not describe (not loaded yet, failed to load,
 * a level past its end): everything shut. Level 0 is the exception — see rulesFor. */
export const STRICT: Readonly<Omit<LevelRules, 'level'>> = Object.freeze({ watermark: true, download: false, copy: false, store: false });

/** Level 0 while the ladder is unknown: nothing to protect at 公开 is assumed, so that a
 * slow or failing GET /secrecy does not watermark every ordinary chat. */
const OPEN: Readonly<Omit<LevelRules, 'level'>> = Object.freeze({ watermark: false, download: true, copy: true, store: true });

/**
 * The rules of `level` in `ladder`. An unknown ladder or level fails closed (STRICT) for
 * any level above 0: a 秘密 message shown before the ladder arrived must not be copied,
 * saved or stored in that moment.
 */
export function rulesFor(ladder: readonly LevelRules[] | undefined, level: number | undefined): LevelRules {
  const lv = Number.isSafeInteger(level) && (level as number) > 0 ? (level as number) : 0;
  const found = ladder?.find((r) => r.level === lv);
  if (found) return { level: lv, watermark: !!found.watermark, download: !!found.download, copy: !!found.copy, store: !!found.store };
  return { level: lv, ...(lv === 0 && !ladder ? OPEN : STRICT) };
}

/** The rules of several levels shown together (a forward of many items, a channel's
 * view): each protection on when any level asks for it. */
export function strictest(ladder: readonly LevelRules[] | undefined, levels: Iterable<number>): LevelRules {
  let out: LevelRules = rulesFor(ladder, 0);
  for (const lv of levels) {
    const r = rulesFor(ladder, lv);
    out = {
      level: Math.max(out.level, r.level),
      watermark: out.watermark || r.watermark,
      download: out.download && r.download,
      copy: out.copy && r.copy,
      store: out.store && r.store,
    };
  }
  return out;
}

/** The levels a message shows: its own and, for a forward, every forwarded item's. */
export function levelsOf(m: { secrecy: number; forward?: { items: { secrecy: number }[] } }): number[] {
  return [m.secrecy, ...(m.forward?.items.map((it) => it.secrecy) ?? [])];
}

/** Whether a channel's view is watermarked: its ceiling (what it may carry) asks for it,
 * or any message on screen does (a ceiling lowered after 秘密 messages were sent). */
export function channelWatermark(
  ladder: readonly LevelRules[] | undefined,
  ceiling: number,
  shown: readonly { secrecy: number; recalled_at?: string; forward?: { items: { secrecy: number }[] } }[],
): boolean {
  if (rulesFor(ladder, ceiling).watermark) return true;
  return shown.some((m) => !m.recalled_at && levelsOf(m).some((lv) => rulesFor(ladder, lv).watermark));
}

/** The level a file is protected at: the highest of every shown message that carries it
 * (the server decides a save the same way: the highest level of any reference). */
export function blobLevels(
  messages: readonly { secrecy: number; recalled_at?: string; attachment?: { blob_id: string }; forward?: { items: { secrecy: number; attachment?: { blob_id: string } }[] } }[],
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (id: string | undefined, lv: number) => {
    if (id) out.set(id, Math.max(out.get(id) ?? 0, lv));
  };
  for (const m of messages) {
    if (m.recalled_at) continue;
    add(m.attachment?.blob_id, m.secrecy);
    for (const it of m.forward?.items ?? []) add(it.attachment?.blob_id, Math.max(it.secrecy, m.secrecy));
  }
  return out;
}
