import { useEffect, useState } from 'preact/hooks';
import type { Request } from '../../api';
import type { Person } from '../../directory/types';
import { locale, t } from '../../i18n';
import { adminNames, loadAdmins } from '../../phone/admins';
import './phone.css';

/**
 * For a person in no department: whom to ask (the system administrators the directory
 * shows, by name; else the role in general). Shown in the channel list.
 */
export function NoDepartment({ request }: { request: Request }) {
  const [admins, setAdmins] = useState<Person[]>([]);
  useEffect(() => {
    let live = true;
    loadAdmins(request).then(
      (list) => live && setAdmins(list),
      () => undefined, // the general sentence stands
    );
    return () => {
      live = false;
    };
  }, [request]);
  const names = adminNames(admins, locale.get() === 'en' ? ', ' : '、');
  return (
    <section class="no-dept" aria-labelledby="no-dept-title">
      <h2 id="no-dept-title" class="no-dept-title">
        {t('chat.no_dept_title')}
      </h2>
      <p>{names ? t('chat.no_dept_named', { names }) : t('chat.no_dept_unnamed')}</p>
      <p class="muted">{t('chat.no_dept_or_group')}</p>
    </section>
  );
}
