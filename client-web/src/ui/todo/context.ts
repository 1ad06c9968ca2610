// The signed-in person's 待办 store, for the message menu's 设为待办 deep in the chat.

import { createContext } from 'preact';
import type { TodoStore } from '../../todo/store';

export const TodoContext = createContext<TodoStore | undefined>(undefined);
