// A secrecy level's tag on a message, a forwarded item, a file or a notice (tagLook says
// what it shows): 公开 has none; 敏感 and 秘密 are marked strongly.

import { useLadder } from '../../secrecy/context';
import { tagLook } from '../../secrecy/tag';
import { t } from '../../i18n';
import { useLocale } from '../hooks';
import './secrecy.css';

export function LevelTag({ level, class: extra }: { level: number | undefined; class?: string }) {
  const ladder = useLadder();
  const look = tagLook(ladder, level, useLocale());
  if (!look) return null;
  return (
    <span
      class={`lvl-tag lvl-tag-${look.level}${look.strong ? ' lvl-tag-strong' : ''}${extra ? ` ${extra}` : ''}`}
      style={{ background: look.background, color: look.color, borderColor: look.background, '--lvl': look.background }}
      data-level={look.level}
      title={t('secrecy.tag_title', { name: look.text })}
    >
      <span class="visually-hidden">{t('secrecy.tag_prefix')}</span>
      {look.strong ? <span aria-hidden="true">★</span> : null}
      {look.text}
    </span>
  );
}
