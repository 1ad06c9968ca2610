// When to offer pushes unasked: never on page load. Once the person has done real work here
// — confirmed a notice or sent a message — a small banner offers 开启消息推送 once; dismissed
// or accepted, it never comes back on this device (the settings page always has the switch).
//
//   (nothing) ──notePushMoment()──▶ due ──dismissPushPrompt()──▶ dismissed
//                                     └──pushes turned on──────▶ done

import { browserStorage } from '../i18n';
import type { StorageLike } from './client';

export type PromptStage = 'none' | 'due' | 'dismissed' | 'done';

export const PROMPT_STORAGE_KEY = 'govchat.push.prompt';

export interface PromptStore {
  stage(): PromptStage;
  /** The person confirmed a notice or sent a message: the prompt becomes due (once). */
  moment(): void;
  dismiss(): void;
  done(): void;
  subscribe(fn: () => void): () => void;
}

export function createPromptStore(storage: StorageLike | undefined = browserStorage()): PromptStore {
  let memory: PromptStage = 'none';
  const listeners = new Set<() => void>();
  const read = (): PromptStage => {
    try {
      const v = storage?.getItem(PROMPT_STORAGE_KEY);
      if (v === 'due' || v === 'dismissed' || v === 'done') return v;
      if (storage) return 'none';
    } catch {
      /* storage disabled: remember for this page */
    }
    return memory;
  };
  const write = (s: PromptStage) => {
    memory = s;
    try {
      storage?.setItem(PROMPT_STORAGE_KEY, s);
    } catch {
      /* as above */
    }
    listeners.forEach((fn) => fn());
  };
  return {
    stage: read,
    moment() {
      if (read() === 'none') write('due');
    },
    dismiss() {
      if (read() !== 'done') write('dismissed');
    },
    done() {
      write('done');
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Whether to show the banner: due, and the browser has not been asked yet. */
export function offerPrompt(stage: PromptStage, permission: NotificationPermission | undefined, supported: boolean): boolean {
  return stage === 'due' && supported && permission === 'default';
}

/** The page's prompt store. */
export const pushPrompt = createPromptStore();

/** Call after the person confirms a notice or sends a message (first time makes the prompt due). */
export function notePushMoment(): void {
  pushPrompt.moment();
}
