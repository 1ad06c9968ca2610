// The urgent arrivals wired to this browser: the tab's title and WebAudio.

import type { Request } from '../api';
import { t } from '../i18n';
import { createUrgentArrivals, type UrgentStore } from './arrivals';
import { createTitleFlasher } from './title';
import { playUrgentTone } from './tone';

export function createUrgentStore(request: Request, meId: number): UrgentStore {
  const title = createTitleFlasher(document);
  return createUrgentArrivals({
    request,
    meId,
    play: () => playUrgentTone(),
    flash: (text) => (text ? title.start(text) : title.stop()),
    flashText: (n) => t('urgent.title_flash', { title: n.title }),
  });
}
