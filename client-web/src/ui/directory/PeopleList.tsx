import { departmentPaths, nameOf } from '../../directory/people';
import type { Department, Person } from '../../directory/types';
import { t } from '../../i18n';
import { PresenceDot } from './PresenceDot';

export interface ListGroup {
  key: string;
  /** Shown above the group; none for a single flat list. */
  heading?: string;
  people: Person[];
}

interface Props {
  groups: ListGroup[];
  depts: ReadonlyMap<number, Department>;
  presence: ReadonlyMap<number, boolean>;
  meId: number;
  selectedId: number | undefined;
  onPick: (p: Person) => void;
}

/** People under optional headings; each person is one button that opens their card. */
export function PeopleList({ groups, depts, presence, meId, selectedId, onPick }: Props) {
  return (
    <div class="dir-groups">
      {groups.map((g) => (
        <div key={g.key} class="dir-group">
          {g.heading ? <h3 class="dir-group-title">{g.heading}</h3> : null}
          <ul class="dir-people">
            {g.people.map((p) => (
              <li key={p.id}>
                <PersonRow
                  person={p}
                  paths={departmentPaths(p, depts)}
                  online={presence.get(p.id)}
                  isMe={p.id === meId}
                  selected={p.id === selectedId}
                  onPick={onPick}
                />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function PersonRow(props: { person: Person; paths: string[]; online: boolean | undefined; isMe: boolean; selected: boolean; onPick: (p: Person) => void }) {
  const { person: p } = props;
  const job = [p.title, p.position].filter(Boolean).join(' · ');
  return (
    <button
      type="button"
      class="dir-person"
      data-person={p.id}
      aria-current={props.selected ? 'true' : undefined}
      onClick={() => props.onPick(p)}
    >
      <PresenceDot online={props.online} />
      <span class="dir-person-text">
        <span class="dir-person-name">
          {nameOf(p)}
          {props.isMe ? <span class="tag">{t('dir.me')}</span> : null}
        </span>
        {job ? <span class="dir-person-job">{job}</span> : null}
        {props.paths.length ? <span class="dir-person-dept muted">{props.paths.join('；')}</span> : null}
      </span>
    </button>
  );
}
