import { describe, expect, it } from 'vitest';
import { checkCreate, createBody, emptyCreateForm, fieldOf, move, newField, nextId, optionsOf, type CreateForm } from './builder';

const NOW = Date.parse('2026-11-20T02:00:00Z');

function form(over: Partial<CreateForm> = {}): CreateForm {
  return { ...emptyCreateForm(), title: '2027年工资基数表', channels: [10], ...over };
}

describe('the fields builder', () => {
  it('gives new fields free ids that never change', () => {
    const a = newField([], 'text');
    const b = newField([a], 'number');
    expect([a.id, b.id]).toEqual(['f1', 'f2']);
    expect(nextId([b], 'f')).toBe('f1');
    const t = newField([a, b], 'table');
    expect(t.columns.map((c) => c.id)).toEqual(['c1']);
    expect(t.maxRows).toBe('20');
    expect(move([a, b, t], 2, -1).map((f) => f.id)).toEqual(['f1', 'f3', 'f2']);
    expect(move([a, b], 0, -1).map((f) => f.id)).toEqual(['f1', 'f2']);
  });

  it('reads options one a line, trimmed, without repeats', () => {
    expect(optionsOf(' 全额拨款\n\n差额拨款\n全额拨款 \n')).toEqual(['全额拨款', '差额拨款']);
  });

  it('builds the wire field: a table keeps only columns a cell may have', () => {
    const t = { ...newField([], 'table'), label: ' 人员明细 ', maxRows: '500', required: true };
    t.columns = [{ ...newField([], 'text', 'c'), label: '姓名' }, { ...newField([{ id: 'c1' }], 'file', 'c'), label: '照片' }];
    expect(fieldOf(t)).toEqual({ id: 'f1', label: '人员明细', type: 'table', required: true, columns: [{ id: 'c1', label: '姓名', type: 'text' }], max_rows: 200 });
    const ch = { ...newField([], 'choice'), label: '方向', options: '财务\n预算', multiple: true };
    expect(fieldOf(ch)).toEqual({ id: 'f1', label: '方向', type: 'choice', options: ['财务', '预算'], multiple: true });
  });
});

describe('checkCreate', () => {
  it('wants a title, an audience and, for a form, fields', () => {
    const p = checkCreate({ ...emptyCreateForm() }, NOW);
    expect(Object.keys(p).sort()).toEqual(['audience', 'fields', 'title']);
    expect(checkCreate(form({ kind: 'signup' }), NOW)).toEqual({});
  });

  it('checks each field: its name, a choice’s options, a table’s columns and rows', () => {
    const a = { ...newField([], 'choice'), label: '' };
    const b = { ...newField([a], 'table'), label: '明细', maxRows: '0' };
    b.columns = [];
    const c = { ...newField([a, b], 'text'), label: '明细' };
    const p = checkCreate(form({ fields: [a, b, c] }), NOW);
    expect(p['field:f1']?.key).toBe('notices.form_required');
    expect(p['field:f1:options']?.key).toBe('collect.err_options_empty');
    expect(p['field:f2:columns']?.key).toBe('collect.err_columns_empty');
    expect(p['field:f2:rows']?.key).toBe('collect.err_max_rows');
    expect(p['field:f3']?.key).toBe('collect.err_label_duplicate');
  });

  it('refuses a deadline in the past and more than 30 fields', () => {
    const many = Array.from({ length: 31 }, (_, i) => ({ ...newField([], 'text'), id: `f${i + 1}`, label: `项${i + 1}` }));
    const p = checkCreate(form({ fields: many, deadlineDate: '2026-11-19', deadlineTime: '17:00' }), NOW);
    expect(p.deadline?.key).toBe('notices.form_deadline_past');
    expect(p.fields).toEqual({ key: 'collect.err_fields_too_many', params: { max: 30 } });
  });
});

describe('createBody', () => {
  it('sends a form per department with a Beijing deadline', () => {
    const f = { ...newField([], 'number'), label: '在编人数', required: true };
    const body = createBody(
      form({ per: 'department', deadlineDate: '2026-11-27', deadlineTime: '17:00', description: '请各股室报送。\n\n', fields: [f], departments: [{ id: 3, sub: true }], channels: [] }),
    );
    expect(body).toEqual({
      kind: 'form',
      title: '2027年工资基数表',
      per: 'department',
      audience: { departments: [{ id: 3, sub: true }] },
      description: '请各股室报送。',
      fields: [{ id: 'f1', label: '在编人数', type: 'number', required: true }],
      deadline: '2026-11-27T09:00:00.000Z',
    });
  });

  it('sends a 接龙 per person, without fields', () => {
    const body = createBody(form({ kind: 'signup', per: 'department', fields: [newField([], 'text')] }));
    expect(body).toEqual({ kind: 'signup', title: '2027年工资基数表', per: 'person', audience: { channels: [10] } });
  });
});
