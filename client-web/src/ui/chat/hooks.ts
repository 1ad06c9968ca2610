import { useEffect, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../../chat/store';

/** Re-renders on every change of the chat store. */
export function useChatState(chat: ChatStore): ChatState {
  const [s, setS] = useState(chat.getState());
  useEffect(() => {
    setS(chat.getState());
    return chat.subscribe(setS);
  }, [chat]);
  return s;
}
