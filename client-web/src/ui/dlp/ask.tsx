import { render } from 'preact';
import { locale, t } from '../../i18n';
import { ruleNames } from '../../dlp/names';
import type { Ask } from '../../dlp/gate';
import { Modal } from '../groups/Modal';

/** The gate's question as a modal dialog over whatever page is open: for a warning
 * 继续发送 / 取消 (focus on 取消), for a block the rules' names and 知道了. */
export const askInDialog: Ask = (kind, files, ruleIds) =>
  new Promise<boolean>((resolve) => {
    const host = document.createElement('div');
    document.body.append(host);
    const done = (yes: boolean) => {
      render(null, host);
      host.remove();
      resolve(yes);
    };
    const l = locale.get();
    const rules = ruleNames(ruleIds, l);
    const list = files.join(t('dlp.list_sep'));
    render(
      kind === 'warn' ? (
        <Modal id="dlp-confirm" title={t('dlp.warn_title')} onClose={() => done(false)} size="narrow">
          <p>{t('dlp.warn_files', { rules, files: list })}</p>
          <div class="form-actions">
            <button type="button" class="btn btn-secondary" data-autofocus onClick={() => done(false)}>
              {t('dlp.cancel')}
            </button>
            <button type="button" class="btn btn-primary" onClick={() => done(true)}>
              {t('dlp.continue')}
            </button>
          </div>
        </Modal>
      ) : (
        <Modal id="dlp-blocked" title={t('dlp.block_title')} onClose={() => done(false)} size="narrow">
          <p role="alert">{t('dlp.block_files', { rules, files: list })}</p>
          <div class="form-actions">
            <button type="button" class="btn btn-primary" data-autofocus onClick={() => done(false)}>
              {t('dlp.ok')}
            </button>
          </div>
        </Modal>
      ),
      host,
    );
  });
