import type { FileKind } from '../../files/display';

/** Colours and labels of the type icons: the colours people know from the office suites. */
const LOOK: Record<FileKind, { color: string; label: string }> = {
  word: { color: '#2b579a', label: 'W' },
  excel: { color: '#1e7145', label: 'X' },
  ppt: { color: '#c43e1c', label: 'P' },
  pdf: { color: '#c5221f', label: 'PDF' },
  image: { color: '#7b4fb8', label: '' },
  archive: { color: '#8a6100', label: 'ZIP' },
  text: { color: '#4b5563', label: 'TXT' },
  other: { color: '#5b6472', label: '' },
};

/** A file's type icon: a page with a folded corner in the type's colour, and its letter
 * (W, X, P, PDF …) or a picture / blank page. Inline SVG: no icon font to download. */
export function FileIcon({ kind, size = 40 }: { kind: FileKind; size?: number }) {
  const { color, label } = LOOK[kind];
  const h = Math.round(size * 1.2);
  return (
    <svg class={`fv-icon fv-icon-${kind}`} width={size} height={h} viewBox="0 0 40 48" aria-hidden="true" focusable="false">
      <path d="M4 2h22l10 10v32a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z" fill={color} />
      <path d="M26 2v8a2 2 0 0 0 2 2h8z" fill="#fff" fill-opacity="0.45" />
      {kind === 'image' ? (
        <>
          <circle cx="14" cy="24" r="3.5" fill="#fff" />
          <path d="M7 39l9-10 6 6 4-4 8 8z" fill="#fff" />
        </>
      ) : label ? (
        <text x="19" y="36" text-anchor="middle" font-family="Arial, sans-serif" font-weight="700" font-size={label.length > 1 ? 11 : 17} fill="#fff">
          {label}
        </text>
      ) : (
        <path d="M9 24h20M9 30h20M9 36h14" stroke="#fff" stroke-width="2.5" stroke-linecap="round" />
      )}
    </svg>
  );
}
