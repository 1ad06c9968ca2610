import type { Policy } from '../../groups/form';
import { t } from '../../i18n';

interface Props {
  id: string;
  postAdminsOnly: boolean;
  mentionAll: Policy;
  onChange: (v: { postAdminsOnly?: boolean; mentionAll?: Policy }) => void;
  disabled?: boolean;
}

/** 仅管理员发言 and 谁可以@所有人, as a checkbox and a pair of radio buttons. */
export function PolicyFields({ id, postAdminsOnly, mentionAll, onChange, disabled }: Props) {
  const choices: [Policy, string][] = [
    ['everyone', t('groups.mention_everyone')],
    ['admins', t('groups.mention_admins')],
  ];
  return (
    <fieldset class="grp-fieldset" disabled={disabled}>
      <legend class="grp-legend">{t('groups.policy_legend')}</legend>
      <div class="grp-check-field">
        <label class="grp-check">
          <input
            type="checkbox"
            id={`${id}-post`}
            checked={postAdminsOnly}
            aria-describedby={`${id}-post-hint`}
            onChange={(e) => onChange({ postAdminsOnly: (e.currentTarget as HTMLInputElement).checked })}
          />
          <span>{t('groups.post_admins')}</span>
        </label>
        <p id={`${id}-post-hint`} class="field-hint">
          {t('groups.post_admins_hint')}
        </p>
      </div>
      <fieldset class="grp-fieldset grp-radios">
        <legend class="grp-legend-small">{t('groups.mention_legend')}</legend>
        {choices.map(([value, label]) => (
          <label key={value} class="grp-check">
            <input
              type="radio"
              name={`${id}-mention`}
              value={value}
              checked={mentionAll === value}
              onChange={() => onChange({ mentionAll: value })}
            />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>
    </fieldset>
  );
}
