// The REST calls of 待办 (PROTOCOL.md §4.22), over the app's one request function.

import type { Request } from '../api';
import type { CreateTodoRequest, Todo, Todos } from './types';

export interface TodoApi {
  list(): Promise<Todos>;
  assigned(): Promise<Todos>;
  get(id: number): Promise<Todo>;
  create(body: CreateTodoRequest): Promise<Todo>;
  done(id: number): Promise<Todo>;
  reopen(id: number): Promise<Todo>;
  cancel(id: number): Promise<Todo>;
}

export function todoApi(request: Request): TodoApi {
  return {
    list: () => request<Todos>('GET', '/todos'),
    assigned: () => request<Todos>('GET', '/todos/assigned'),
    get: (id) => request<Todo>('GET', `/todos/${id}`),
    create: (body) => request<Todo>('POST', '/todos', body),
    done: (id) => request<Todo>('POST', `/todos/${id}/done`),
    reopen: (id) => request<Todo>('POST', `/todos/${id}/reopen`),
    cancel: (id) => request<Todo>('DELETE', `/todos/${id}`),
  };
}
