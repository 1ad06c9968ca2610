import type { Channel } from '../../chat/types';

/** The last two characters of a Chinese name (建国 for 王建国), as office apps show it;
 * initials for Latin names. */
export function avatarText(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '?';
  if (/^[\u3400-\u9fff]/.test(name.trim())) return chars.slice(-2).join('');
  return name
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
}

export function Avatar({ id, name, size = 'md' }: { id: number; name: string; size?: 'sm' | 'md' }) {
  // A colour per person from a fixed palette (classes, since the CSP forbids inline styles).
  return (
    <span class={`avatar avatar-${size} avatar-c${Math.abs(id) % 8}`} aria-hidden="true">
      {avatarText(name)}
    </span>
  );
}

const KIND_MARK: Record<Channel['kind'], string> = { department: '部', party: '党', group: '群', direct: '' };

export function ChannelAvatar({ c, title }: { c: Channel; title: string }) {
  if (c.kind === 'direct') return <Avatar id={c.peer_id ?? c.id} name={title} />;
  return (
    <span class={`avatar avatar-md avatar-kind avatar-${c.kind}`} aria-hidden="true">
      {KIND_MARK[c.kind]}
    </span>
  );
}
