// A secrecy level's tag on a message, a forwarded item, a file or a notice: the level's
// name on its colour, with black or white text, whichever reads better on it. 公开
// (level 0) has no tag; 敏感 and 秘密 (level 2 and up) are marked more strongly.

import { useLevel } from '../../secrecy/context';
import { clampLevel, tagged, textOn } from '../../secrecy/ladder';
import { t } from '../../i18n';
import './secrecy.css';

export function LevelTag({ level, class: extra }: { level: number | undefined; class?: string }) {
  const { rung, name } = useLevel(level);
  if (!tagged(level)) return null;
  const n = clampLevel(level);
  return (
    <span
      class={`lvl-tag lvl-tag-${n}${n >= 2 ? ' lvl-tag-strong' : ''}${extra ? ` ${extra}` : ''}`}
      style={{ background: rung.color, color: textOn(rung.color), borderColor: rung.color, '--lvl': rung.color }}
      data-level={n}
      title={t('secrecy.tag_title', { name })}
    >
      <span class="visually-hidden">{t('secrecy.tag_prefix')}</span>
      {n >= 2 ? <span aria-hidden="true">★</span> : null}
      {name}
    </span>
  );
}
