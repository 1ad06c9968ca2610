import type { Ref } from 'preact';
import { departmentPaths, nameOf, partyOf, telHref } from '../../directory/people';
import type { Department, PartyOrg, Person } from '../../directory/types';
import { t } from '../../i18n';
import { PresenceDot } from './PresenceDot';

interface Props {
  person: Person;
  depts: ReadonlyMap<number, Department>;
  partyOrgs: ReadonlyMap<number, PartyOrg>;
  online: boolean | undefined;
  isMe: boolean;
  headingRef: Ref<HTMLHeadingElement>;
  onBack: () => void;
  onMessage: (userId: number) => void;
}

/** One person's details, with a button to write to them (not to oneself). */
export function PersonCard({ person: p, depts, partyOrgs, online, isMe, headingRef, onBack, onMessage }: Props) {
  const paths = departmentPaths(p, depts);
  const primaryKnown = paths.length > 1 && p.departments.some((d) => d.primary && depts.has(d.department_id));
  const party = partyOf(p, partyOrgs);
  return (
    <article
      class="dir-card"
      aria-labelledby="dir-card-name"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onBack();
      }}
    >
      <button type="button" class="btn btn-quiet dir-back" onClick={onBack}>
        <span aria-hidden="true">←</span>
        {t('dir.back')}
      </button>
      <h2 id="dir-card-name" class="dir-card-name" tabIndex={-1} ref={headingRef}>
        <PresenceDot online={online} />
        {nameOf(p)}
        {isMe ? <span class="tag">{t('dir.me')}</span> : null}
      </h2>
      <dl class="facts dir-facts">
        <dt>{t('dir.username')}</dt>
        <dd>{p.username}</dd>
        {p.title ? (
          <>
            <dt>{t('dir.job_title')}</dt>
            <dd>{p.title}</dd>
          </>
        ) : null}
        {p.position ? (
          <>
            <dt>{t('dir.position')}</dt>
            <dd>{p.position}</dd>
          </>
        ) : null}
        {p.phone ? (
          <>
            <dt>{t('dir.phone')}</dt>
            <dd>
              <a href={telHref(p.phone)} aria-label={t('dir.phone_call', { phone: p.phone })}>
                {p.phone}
              </a>
            </dd>
          </>
        ) : null}
        {paths.length ? (
          <>
            <dt>{t('dir.depts')}</dt>
            <dd>
              <ul class="plain-list">
                {paths.map((path, i) => (
                  <li key={path}>
                    {path}
                    {i === 0 && primaryKnown ? <span class="tag">{t('dir.primary')}</span> : null}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {party ? (
          <>
            <dt>{t('dir.party')}</dt>
            <dd>{party.path}</dd>
            {party.role ? (
              <>
                <dt>{t('dir.party_role')}</dt>
                <dd>{party.role}</dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      {isMe ? null : (
        <div class="form-actions dir-card-actions">
          <button
            type="button"
            class="btn btn-primary"
            aria-label={t('dir.message_to', { name: nameOf(p) })}
            onClick={() => onMessage(p.id)}
          >
            {t('dir.message')}
          </button>
        </div>
      )}
    </article>
  );
}
