// Test data of collections.

import type { Collection, Field, Submission } from './types';

export const FORM_FIELDS: Field[] = [
  { id: 'f1', label: '单位名称', type: 'text', required: true },
  { id: 'f2', label: '在编人数', type: 'number', required: true },
  { id: 'f3', label: '填报日期', type: 'date' },
  { id: 'f4', label: '经费来源', type: 'choice', options: ['全额拨款', '差额拨款', '自收自支'], required: true },
  { id: 'f5', label: '培训方向', type: 'choice', options: ['财务', '预算', '审计'], multiple: true },
  { id: 'f6', label: '基数表', type: 'file', required: true },
  {
    id: 'f7',
    label: '人员明细',
    type: 'table',
    max_rows: 3,
    columns: [
      { id: 'c1', label: '姓名', type: 'text', required: true },
      { id: 'c2', label: '月工资', type: 'number' },
    ],
  },
];

export function collection(over: Partial<Collection> = {}): Collection {
  return {
    id: 7,
    author_id: 1,
    author_name: '王建国',
    kind: 'form',
    title: '2027年工资基数表',
    fields: FORM_FIELDS,
    per: 'person',
    audience: { channels: [10] },
    status: 'open',
    secrecy: 0,
    created_at: '2026-11-20T01:00:00Z',
    counts: { recipients: 3, units: 3, submitted: 0, returned: 0 },
    can_manage: true,
    can_see_all: true,
    ...over,
  };
}

export function submission(over: Partial<Submission> = {}): Submission {
  return {
    collection_id: 7,
    user_id: 5,
    user_name: '李华',
    department_id: 3,
    department_name: '预算股',
    values: {},
    state: 'submitted',
    submitted_at: '2026-11-21T02:00:00Z',
    updated_at: '2026-11-21T02:00:00Z',
    revision: 1,
    ...over,
  };
}
