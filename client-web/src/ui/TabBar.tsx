// TabBar: tabs as the ARIA pattern has them — one tab stop, arrow keys (and Home/End)
// move between tabs and follow focus. The pages that have tabs (administration,
// 保密管理, 审计台) share it and its look (tabbar.css); `prefix` adds page classes
// (`<prefix>-tabs`, `<prefix>-tab`) for a page's own adjustments and ties each tab to its
// panel (`<prefix>-tab-<x>` controls `<prefix>-panel-<x>`).
import { useRef } from 'preact/hooks';
import './tabbar.css';

export function TabBar<T extends string>(p: { tabs: readonly T[]; tab: T; onTab: (tab: T) => void; prefix: string; label: string; title: (tab: T) => string }) {
  const refs = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    const { tabs } = p;
    const i = tabs.indexOf(p.tab);
    let next: T | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i + tabs.length - 1) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    p.onTab(next);
    refs.current[next]?.focus();
  };
  return (
    <div class={`tabbar ${p.prefix}-tabs`} role="tablist" aria-label={p.label} onKeyDown={onKeyDown}>
      {p.tabs.map((x) => (
        <button
          key={x}
          type="button"
          role="tab"
          id={`${p.prefix}-tab-${x}`}
          class={`tabbar-tab ${p.prefix}-tab`}
          aria-selected={x === p.tab}
          aria-controls={`${p.prefix}-panel-${x}`}
          tabIndex={x === p.tab ? 0 : -1}
          ref={(el) => {
            refs.current[x] = el;
          }}
          onClick={() => p.onTab(x)}
        >
          {p.title(x)}
        </button>
      ))}
    </div>
  );
}
