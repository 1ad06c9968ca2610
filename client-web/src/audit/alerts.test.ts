// The alert badge: the open alerts counted at the start, bumped by audit_alert frames
// (each once), lowered by an acknowledgement here.

import { describe, expect, it } from 'vitest';
import { createRequest } from '../api';
import { fakeFetch } from '../testing';
import { createAlertBadge } from './alerts';
import { ackAlert, alertsPath } from './api';

const alert = (id: number, state = 'open') => ({ id, kind: 'mass_download', at: '2026-11-23T06:07:30Z', count: 23, window: 600, event_ids: [1377], state });

describe('alert badge', () => {
  it('counts the open alerts, then each new one from a frame once', async () => {
    const { fetch, calls } = fakeFetch({ 'GET /api/v1/audit/alerts?state=open&limit=100': () => ({ status: 200, body: { alerts: [alert(2), alert(1)] } }) });
    const b = createAlertBadge(createRequest(fetch));
    await b.load();
    expect(b.getState().open).toBe(2);
    expect(calls).toHaveLength(1);
    expect(b.handleFrame({ v: 1, type: 'audit_alert', data: alert(3) } as never)).toBe(true);
    expect(b.handleFrame({ v: 1, type: 'audit_alert', data: alert(3) } as never)).toBe(true);
    expect(b.handleFrame({ v: 1, type: 'audit_alert', data: alert(2) } as never)).toBe(true);
    expect(b.getState().open).toBe(3);
    expect(b.getState().latest?.id).toBe(3);
    b.acked();
    expect(b.getState().open).toBe(2);
  });
  it('leaves other frames alone', () => {
    const b = createAlertBadge(createRequest(fakeFetch({}).fetch));
    expect(b.handleFrame({ v: 1, type: 'reads', data: {} } as never)).toBe(false);
    expect(b.getState().open).toBe(0);
  });
  it('keeps its count when the server cannot be asked', async () => {
    const b = createAlertBadge(createRequest(fakeFetch({}).fetch));
    b.handleFrame({ v: 1, type: 'audit_alert', data: alert(9) } as never);
    await b.load();
    expect(b.getState().open).toBe(1);
  });
});

describe('alert requests', () => {
  it('pages by before_id', () => {
    expect(alertsPath('acked', { beforeId: 40 })).toBe('/audit/alerts?state=acked&before_id=40&limit=50');
  });
  it('acknowledges with the trimmed note', async () => {
    const { fetch, calls } = fakeFetch({ 'POST /api/v1/audit/alerts/4/ack': () => ({ status: 200, body: alert(4, 'acked') }) });
    const a = await ackAlert(createRequest(fetch), 4, '  已核实，系正常加班 ');
    expect(a.state).toBe('acked');
    expect(calls[0]!.body).toEqual({ note: '已核实，系正常加班' });
  });
});
