// The REST calls of collections (PROTOCOL.md §4.21), over the app's one request function.

import type { Request } from '../api';
import type {
  Collection,
  CollectionHistory,
  Collections,
  CollectionStatus,
  HistoryEntry,
  PublishCollectionRequest,
  RemindResult,
  Submission,
  Submissions,
  Values,
} from './types';

export interface CollectApi {
  /** Mine (written or received), or `escalated`: those where people of mine did not answer by the deadline. */
  list(box?: 'all' | 'escalated'): Promise<Collection[]>;
  get(id: number): Promise<Collection>;
  publish(body: PublishCollectionRequest): Promise<Collection>;
  submit(id: number, values: Values): Promise<Submission>;
  returnTo(id: number, userId: number, note: string): Promise<Submission>;
  close(id: number): Promise<Collection>;
  remind(id: number): Promise<RemindResult>;
  submissions(id: number): Promise<Submission[]>;
  status(id: number): Promise<CollectionStatus>;
  history(id: number): Promise<HistoryEntry[]>;
}

const one = (id: number) => `/collections/${id}`;
/** The server's largest page: the reader's collections, newest first. */
export const MAX_LIST = 200;

/** The address of the Excel export, for an <a download> link (the cookie goes with it). */
export function exportHref(id: number, base = '/api/v1'): string {
  return `${base}${one(id)}/export.xlsx`;
}

export function createCollectApi(request: Request): CollectApi {
  return {
    list: async (box = 'all') => (await request<Collections>('GET', `/collections?${box === 'all' ? '' : `box=${box}&`}limit=${MAX_LIST}`)).collections ?? [],
    get: (id) => request<Collection>('GET', one(id)),
    publish: (body) => request<Collection>('POST', '/collections', body),
    submit: (id, values) => request<Submission>('POST', `${one(id)}/submission`, { values }),
    returnTo: (id, userId, note) => request<Submission>('POST', `${one(id)}/submissions/${userId}/return`, { note: note.trim() }),
    close: (id) => request<Collection>('POST', `${one(id)}/close`),
    remind: (id) => request<RemindResult>('POST', `${one(id)}/remind`),
    submissions: async (id) => (await request<Submissions>('GET', `${one(id)}/submissions`)).submissions ?? [],
    status: (id) => request<CollectionStatus>('GET', `${one(id)}/status`),
    history: async (id) => (await request<CollectionHistory>('GET', `${one(id)}/history`)).entries ?? [],
  };
}
