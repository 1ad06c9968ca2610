import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createPeopleSearch, type FindPeople, type PeopleSearchState } from '../directory/search';
import { locale, type Locale } from '../i18n';

/** Anything that tells its listeners when it has changed. */
export interface Subscribable {
  subscribe(fn: () => void): () => void;
}

/** The current state of a store (its getState(), or what `read` reads), re-rendering on
 * every change: the one way a component follows the app, chat and notice stores, the
 * language, the push prompt and a people search. */
export function useStore<S>(store: Subscribable & { getState(): S }): S;
export function useStore<S>(store: Subscribable, read: () => S): S;
export function useStore<S>(store: Subscribable & { getState?(): S }, read?: () => S): S {
  const get = read ?? (() => store.getState!());
  // The latest reader, so that a new closure each render does not resubscribe.
  const getRef = useRef(get);
  getRef.current = get;
  const [value, setValue] = useState(get);
  useEffect(() => {
    const update = () => setValue(() => getRef.current());
    update(); // a change between the render and this effect
    return store.subscribe(update);
  }, [store]);
  return value;
}

/** Re-renders when the language changes. */
export function useLocale(): Locale {
  return useStore(locale, locale.get);
}

export interface PeopleSearchHook<P> extends PeopleSearchState<P> {
  setText(text: string): void;
  clear(): void;
}

/** The debounced people search (directory/search.ts) for one search box. `find` must keep
 * its identity across renders (a module function, or memoised on the request): a new one
 * starts a new search. */
export function usePeopleSearch<P>(find: FindPeople<P> | undefined, delayMs?: number): PeopleSearchHook<P> {
  const search = useMemo(() => createPeopleSearch(find, delayMs), [find, delayMs]);
  useEffect(() => () => search.dispose(), [search]);
  const state = useStore(search);
  return { ...state, setText: search.setText, clear: search.clear };
}

/** Moves focus to the element once it is mounted, or again when `key` changes. */
export function useFocusOnMount<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}

/** The current time, refreshed every `everyMs`. */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * Shows a native <dialog> as a modal on mount: `focus` names what gets focus first;
 * Escape (a cancel, then a close) and any other close call onClose; on unmount it closes
 * and focus goes back to whatever had it before.
 */
export function useModalDialog(dialog: { current: HTMLDialogElement | null }, onClose: () => void, focus: (d: HTMLDialogElement) => HTMLElement | null | undefined) {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const d = dialog.current;
    if (!d) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    focus(d)?.focus();
    const onNativeClose = () => close.current();
    d.addEventListener('close', onNativeClose);
    return () => {
      d.removeEventListener('close', onNativeClose);
      if (d.open) d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return close;
}
