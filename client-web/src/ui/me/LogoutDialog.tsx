import { t } from '../../i18n';
import { Modal } from '../groups/Modal';

/** 退出登录 asks first: a mis-tap on a phone would clear unsent messages and drafts. Focus starts on 取消. */
export function LogoutDialog({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal id="logout-dialog" title={t('logout.title')} onClose={onCancel} size="narrow">
      <p>{t('logout.text')}</p>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" data-autofocus onClick={onCancel}>
          {t('logout.cancel')}
        </button>
        <button type="button" class="btn btn-primary" onClick={onConfirm}>
          {t('logout.confirm')}
        </button>
      </div>
    </Modal>
  );
}
