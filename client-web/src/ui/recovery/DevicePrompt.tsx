// 批准在新设备上恢复密钥? — on a device still signed in, when the person asks for their
// key on a new device (a key_recovery frame; src/recovery/approver.ts): when, from where,
// from what browser; 批准 or 拒绝.

import { describeError } from '../../errors';
import { formatDateTime } from '../../format';
import { t } from '../../i18n';
import type { Approver } from '../../recovery/approver';
import { Modal } from '../groups/Modal';
import { useLocale, useStore } from '../hooks';
import './recovery.css';

export function DevicePrompt({ approver }: { approver: Approver }) {
  const l = useLocale();
  const v = useStore(approver);
  const p = v.prompts[0];
  if (!p) {
    if (!v.outcome) return null;
    return (
      <p class="key-prompt" role="status" data-testid="keyprompt-outcome">
        {v.outcome.kind === 'failed' ? t('keyprompt.failed', { reason: describeError(v.outcome.error, l) }) : v.outcome.kind === 'approved' ? t('keyprompt.done') : t('keyprompt.declined')}{' '}
        <button type="button" class="btn btn-quiet btn-small" onClick={() => approver.dismissOutcome()}>
          {t('keychange.dismiss')}
        </button>
      </p>
    );
  }
  const busy = v.busy !== undefined;
  return (
    <Modal id="keyprompt" title={t('keyprompt.title')} onClose={() => void approver.decline(p.id)} size="narrow">
      <p>{t('keyprompt.body')}</p>
      <ul class="keyprompt-facts">
        <li>{t('keyprompt.when', { time: formatDateTime(p.created_at, l) })}</li>
        {p.ip ? <li>{t('keyprompt.where', { ip: p.ip })}</li> : null}
        {p.user_agent ? <li>{t('keyprompt.agent', { agent: p.user_agent.slice(0, 80) })}</li> : null}
      </ul>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" data-autofocus id="keyprompt-decline" disabled={busy} onClick={() => void approver.decline(p.id)}>
          {t('keyprompt.decline')}
        </button>
        <button type="button" class="btn btn-primary" id="keyprompt-approve" disabled={busy} aria-busy={busy} onClick={() => void approver.approve(p.id)}>
          {t('keyprompt.approve')}
        </button>
      </div>
    </Modal>
  );
}
