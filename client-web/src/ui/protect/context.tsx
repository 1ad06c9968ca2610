import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { Me } from '../../api';
import { locale } from '../../i18n';
import { installCopyGuard } from '../../protect/nocopy';
import { rulesFor, type LevelRules } from '../../protect/rules';
import { msToNextMinute, watermarkLines, type Viewer } from '../../watermark/watermark';
import { useLocale } from '../hooks';

/** What the protections of secrecy levels read: the server's ladder (src/secrecy/'s store,
 * undefined until it was read: levels above 0 are then shut, see rulesFor) and who is
 * looking. */
export interface Protection {
  ladder: readonly LevelRules[] | undefined;
  viewer: Viewer;
}

export const ProtectContext = createContext<Protection | undefined>(undefined);

export function useProtection(): Protection | undefined {
  return useContext(ProtectContext);
}

/** The session's protections: the ladder and who is looking, and the page's copy guard. */
export function ProtectProvider({ me, phone, ladder, children }: { me: Pick<Me, 'display_name' | 'username'>; phone?: string; ladder: readonly LevelRules[] | undefined; children: ComponentChildren }) {
  // Copy and cut from a message that may not be copied are refused page-wide.
  useEffect(() => installCopyGuard(document), []);
  const value = useMemo<Protection>(
    () => ({ ladder, viewer: { name: me.display_name, username: me.username, phone } }),
    [ladder, me.display_name, me.username, phone],
  );
  return <ProtectContext.Provider value={value}>{children}</ProtectContext.Provider>;
}

/** The rules of a level under the session's ladder. */
export function useRules(level: number | undefined): LevelRules {
  return rulesFor(useProtection()?.ladder, level);
}

/** The level a file is shown at where it is shown (a channel: the highest of the messages
 * that carry it; a notice: the notice's), undefined where nothing says. */
export const BlobLevelContext = createContext<((blobId: string) => number | undefined) | undefined>(undefined);

/** The rules a file is shown under. */
export function useBlobRules(blobId: string): LevelRules {
  const levelOf = useContext(BlobLevelContext);
  return useRules(levelOf?.(blobId));
}

/** The watermark's two lines while `active`, the time moving on at each minute. */
export function useWatermarkLines(active: boolean): readonly string[] | undefined {
  const l = useLocale();
  const p = useProtection();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return undefined;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      setNow(new Date());
      timer = setTimeout(tick, msToNextMinute(Date.now()));
    };
    timer = setTimeout(tick, msToNextMinute(Date.now()));
    return () => clearTimeout(timer);
  }, [active]);
  if (!active) return undefined;
  const viewer = p?.viewer ?? { name: '', username: '' };
  return watermarkLines(viewer, now, l ?? locale.get());
}

/** The rules of any file shown here (a list of many files): at `level` when the list
 * says it (a 群文件 entry carries its message's), else as the place knows it. */
export function useRulesOf(): (blobId: string, level?: number) => LevelRules {
  const levelOf = useContext(BlobLevelContext);
  const ladder = useProtection()?.ladder;
  // The entry's own level when given (the place's guess for a file it has not loaded is
  // its ceiling, too strict here); the server still refuses a save the level forbids.
  return (blobId, level) => rulesFor(ladder, level ?? levelOf?.(blobId));
}
