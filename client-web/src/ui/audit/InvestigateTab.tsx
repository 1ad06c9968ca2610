// 调查: three investigations, each with an address of its own (router.ts) so that a
// message's 查看文件去向 and a click on a person in the trail land here —
//   文件去向  a file's path across channels as a tree (forwards nested), and who received,
//            opened, downloaded and forwarded it, by person or by department; from here the
//            security officer (not the auditor) opens the escrowed file for a case;
//   人员活动  one person's events, the last seven days by default;
//   通知阅读  who a notice was delivered to, who read and who confirmed it.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Request } from '../../api';
import { BLOB_ID, fileTrace, normaliseBlobId, noticeReaders, timelinePage } from '../../audit/api';
import { createPager } from '../../audit/pager';
import { lastWeek, beijingToRfc3339 } from '../../audit/query';
import { buildTree, byDepartment, flatten, involvement, INVOLVEMENTS, type Involved, type Involvement, type TraceNode } from '../../audit/trace';
import type { AuditEvent, FileTrace, NoticeReader } from '../../audit/types';
import { describeError, toUiError } from '../../errors';
import { formatSize } from '../../files/display';
import { formatDateTime } from '../../format';
import { t, type MessageKey } from '../../i18n';
import type { Investigation, Route } from '../../router';
import { LevelTag } from '../secrecy/LevelTag';
import { CaseOpen } from '../security/CaseOpen';
import { useLocale } from '../hooks';
import { EventList } from './EventList';
import { PersonPick } from './FilterForm';

type Kind = 'file' | 'person' | 'notice';
const KINDS: readonly Kind[] = ['file', 'person', 'notice'];
const KIND_KEYS: Record<Kind, MessageKey> = { file: 'audit.inv_file', person: 'audit.inv_person', notice: 'audit.inv_notice' };

interface Props {
  request: Request;
  role: string;
  inv?: Investigation;
  navigate: (r: Route) => void;
  phone: boolean;
  deptPath: (id: number) => string | undefined;
  nameOf: (id: number) => string | undefined;
}

export function InvestigateTab(p: Props) {
  const kind: Kind = p.inv?.kind === 'person' ? 'person' : p.inv?.kind === 'notice' ? 'notice' : 'file';
  const [shown, setShown] = useState<Kind>(kind);
  useEffect(() => setShown(kind), [p.inv]);
  return (
    <div class="aud-inv">
      <div class="aud-seg" role="radiogroup" aria-label={t('audit.inv_kinds')}>
        {KINDS.map((k) => (
          <button key={k} type="button" role="radio" aria-checked={shown === k} class="aud-seg-item" onClick={() => setShown(k)}>
            {t(KIND_KEYS[k])}
          </button>
        ))}
      </div>
      {shown === 'file' ? (
        <FileInvestigation {...p} />
      ) : shown === 'person' ? (
        <PersonInvestigation {...p} personId={p.inv?.kind === 'person' ? p.inv.personId : undefined} />
      ) : (
        <NoticeInvestigation {...p} noticeId={p.inv?.kind === 'notice' ? p.inv.noticeId : undefined} />
      )}
    </div>
  );
}

/** Loading…, or what went wrong, under an investigation's form. */
function LoadState({ busy, error }: { busy: boolean; error?: string }) {
  if (busy)
    return (
      <p class="muted" role="status">
        {t('audit.loading')}
      </p>
    );
  return error ? (
    <p class="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

// ---- 文件去向 ----

function FileInvestigation(p: Props) {
  const l = useLocale();
  const inv = p.inv?.kind === 'file' || p.inv?.kind === 'message' ? p.inv : undefined;
  const [text, setText] = useState(inv?.kind === 'file' ? inv.blobId : '');
  const [problem, setProblem] = useState<string | undefined>();
  const [trace, setTrace] = useState<FileTrace | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = () => {
    if (!inv) return;
    setBusy(true);
    setError(undefined);
    setTrace(undefined);
    fileTrace(p.request, inv.kind === 'file' ? { blobId: inv.blobId } : { channelId: inv.channelId, seq: inv.seq }).then(
      (tr) => {
        setBusy(false);
        setTrace(tr);
        setText(tr.file.blob_id);
      },
      (e) => {
        setBusy(false);
        setError(e instanceof ApiError && e.code === 'not_found' ? t('audit.trace_not_found') : describeError(toUiError(e, Date.now()), l));
      },
    );
  };
  useEffect(load, [p.request, inv?.kind === 'file' ? inv.blobId : inv ? `${inv.channelId}:${inv.seq}` : '']);

  const submit = (e: Event) => {
    e.preventDefault();
    const id = normaliseBlobId(text);
    if (!id) return setProblem(t('audit.err_required'));
    if (!BLOB_ID.test(id)) return setProblem(t('audit.err_blob_id'));
    setProblem(undefined);
    if (inv?.kind === 'file' && inv.blobId === id) load();
    else p.navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'file', blobId: id } });
  };

  return (
    <div class="aud-inv-body">
      <form class="aud-inline-form" onSubmit={submit} noValidate>
        <div class="field aud-grow">
          <label for="aud-blob">{t('audit.file_id')}</label>
          <input
            id="aud-blob"
            class="input aud-mono"
            value={text}
            maxLength={80}
            autocomplete="off"
            spellcheck={false}
            autocapitalize="off"
            aria-invalid={problem ? true : undefined}
            aria-describedby="aud-blob-hint aud-blob-err"
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <span id="aud-blob-hint" class="field-hint">
            {inv?.kind === 'message' ? t('audit.from_message', { channel: inv.channelId, seq: inv.seq }) : t('audit.file_id_hint')}
          </span>
          <p id="aud-blob-err" class="form-error" role="alert" hidden={!problem}>
            {problem ?? ''}
          </p>
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('audit.file_go')}
        </button>
      </form>
      <LoadState busy={busy} error={error} />
      {trace?.truncated ? <p class="muted">{t('audit.trace_truncated')}</p> : null}
      {trace ? <TraceView request={p.request} trace={trace} canOpen={p.role === 'security'} navigate={p.navigate} /> : null}
    </div>
  );
}

const KIND_LABEL: Record<string, MessageKey> = {
  department: 'audit.kind_department',
  party: 'audit.kind_party',
  group: 'audit.kind_group',
  direct: 'audit.kind_direct',
};

function TraceView({ request, trace, canOpen, navigate }: { request: Request; trace: FileTrace; canOpen: boolean; navigate: (r: Route) => void }) {
  const l = useLocale();
  const tree = useMemo(() => buildTree(trace.path), [trace]);
  const people = useMemo(() => involvement(trace), [trace]);
  const [grouped, setGrouped] = useState(false);
  const [opening, setOpening] = useState(false);
  const f = trace.file;
  const person = (id: number) => navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'person', personId: id } });
  return (
    <div class="aud-trace" data-testid="audit-trace">
      <section class="aud-section" aria-labelledby="aud-file-h">
        <h2 id="aud-file-h" class="aud-heading">
          {t('audit.file_facts')}
        </h2>
        <dl class="aud-facts">
          <div>
            <dt>{t('audit.file_id')}</dt>
            <dd class="aud-mono aud-hash">{f.blob_id}</dd>
          </div>
          <div>
            <dt>{t('audit.file_uploader')}</dt>
            <dd data-testid="audit-uploader">{f.uploader.name}</dd>
          </div>
          <div>
            <dt>{t('audit.file_uploaded')}</dt>
            <dd>{formatDateTime(f.uploaded_at, l)}</dd>
          </div>
          <div>
            <dt>{t('audit.file_size')}</dt>
            <dd>{formatSize(f.size, l)}</dd>
          </div>
          {f.level ? (
            <div>
              <dt>{t('audit.file_level')}</dt>
              <dd>
                <LevelTag level={f.level} />
              </dd>
            </div>
          ) : null}
        </dl>
        {f.thumb_of ? <p class="muted">{t('audit.file_thumb_of', { id: f.thumb_of })}</p> : null}
        {canOpen ? (
          <div class="aud-actions">
            <button type="button" class="btn btn-secondary" aria-expanded={opening} onClick={() => setOpening((x) => !x)}>
              {opening ? t('audit.escrow_close') : t('audit.escrow_open')}
            </button>
            {!opening ? <span class="muted aud-small">{t('audit.escrow_hint')}</span> : null}
          </div>
        ) : null}
        {canOpen && opening ? <CaseOpen request={request} blobId={f.blob_id} /> : null}
      </section>

      <section class="aud-section" aria-labelledby="aud-path-h">
        <h2 id="aud-path-h" class="aud-heading">
          {t('audit.path_title')}
        </h2>
        {tree.length === 0 ? <p class="muted">{t('audit.path_empty')}</p> : <PathTree roots={tree} onPerson={person} />}
        {trace.notices?.length ? (
          <>
            <h3 class="aud-subheading">{t('audit.notices_title')}</h3>
            <ul class="aud-plain">
              {trace.notices.map((n) => (
                <li key={n.id}>
                  {t('audit.notice_line', { id: n.id, author: n.author.name, time: formatDateTime(n.published_at, l) })} {n.level ? <LevelTag level={n.level} /> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section class="aud-section" aria-labelledby="aud-people-h">
        <div class="aud-section-head">
          <h2 id="aud-people-h" class="aud-heading">
            {t('audit.people_title')}
          </h2>
          <div class="aud-seg aud-seg-small" role="radiogroup" aria-label={t('audit.people_title')}>
            <button type="button" role="radio" aria-checked={!grouped} class="aud-seg-item" onClick={() => setGrouped(false)}>
              {t('audit.by_person')}
            </button>
            <button type="button" role="radio" aria-checked={grouped} class="aud-seg-item" onClick={() => setGrouped(true)}>
              {t('audit.by_department')}
            </button>
          </div>
        </div>
        <div class="aud-inv-grid">
          {INVOLVEMENTS.map((k) => (
            <InvolvedList key={k} kind={k} list={people[k]} grouped={grouped} onPerson={person} />
          ))}
        </div>
      </section>

      {trace.events?.length ? (
        <section class="aud-section" aria-labelledby="aud-ev-h">
          <h2 id="aud-ev-h" class="aud-heading">
            {t('audit.events_title')}
          </h2>
          <ul class="aud-plain aud-trace-events" data-testid="audit-trace-events">
            {trace.events.map((e, i) => (
              <li key={e.id ?? i}>
                <time class="muted" dateTime={e.at}>
                  {formatDateTime(e.at, l)}
                </time>{' '}
                <span>{e.actor?.id ? e.actor.name : e.actor?.name || t('audit.actor_system')}</span> <span class="aud-mono">{e.action}</span>
                {e.purpose ? <span class="aud-chip">{e.purpose === 'save' ? t('audit.purpose_save') : e.purpose === 'view' ? t('audit.purpose_view') : e.purpose}</span> : null}
                {e.outcome && e.outcome !== 'ok' ? <span class={`aud-outcome aud-outcome-${e.outcome}`}>{e.outcome}</span> : null}
                {e.ip ? <span class="aud-mono muted"> {e.ip}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function PathTree({ roots, onPerson }: { roots: TraceNode[]; onPerson: (id: number) => void }) {
  const l = useLocale();
  const node = (n: TraceNode) => {
    const h = n.hop;
    const kind = KIND_LABEL[h.channel.kind];
    return (
      <li key={`${h.channel.id}:${h.seq}`} class="aud-hop" data-channel={h.channel.id} data-seq={h.seq}>
        <div class="aud-hop-card">
          <div class="aud-hop-line">
            <strong class="aud-hop-channel">{h.channel.name}</strong>
            {kind ? <span class="aud-chip">{t(kind)}</span> : null}
            <span class="muted aud-small">{t('audit.path_seq', { seq: h.seq })}</span>
            {h.level ? <LevelTag level={h.level} /> : null}
            {h.recalled ? <span class="aud-chip aud-chip-warn">{t('audit.path_recalled')}</span> : null}
          </div>
          <div class="aud-hop-line aud-small">
            <button type="button" class="aud-person" onClick={() => onPerson(h.sender.id)}>
              {h.sender.name}
            </button>
            <span class="muted">
              {t(h.forwarded_from ? 'audit.path_forwarded' : 'audit.path_sent', { time: formatDateTime(h.at, l) })}
            </span>
          </div>
          {n.orphan ? <div class="muted aud-small">{t('audit.path_orphan')}</div> : null}
        </div>
        {n.children.length ? <ul class="aud-tree">{n.children.map(node)}</ul> : null}
      </li>
    );
  };
  return (
    <ul class="aud-tree aud-tree-root" data-testid="audit-path" data-hops={flatten(roots).length}>
      {roots.map(node)}
    </ul>
  );
}

const INV_KEYS: Record<Involvement, MessageKey> = {
  received: 'audit.inv_received',
  opened: 'audit.inv_opened',
  downloaded: 'audit.inv_downloaded',
  forwarded: 'audit.inv_forwarded',
};

function InvolvedList({ kind, list, grouped, onPerson }: { kind: Involvement; list: Involved[]; grouped: boolean; onPerson: (id: number) => void }) {
  const l = useLocale();
  const item = (x: Involved) => (
    <li key={x.person.id} class="aud-inv-person">
      <button type="button" class="aud-person" onClick={() => onPerson(x.person.id)}>
        {x.person.name}
      </button>
      {!grouped && x.department ? <span class="muted aud-small">{x.department}</span> : null}
      <time class="muted aud-small" dateTime={x.first}>
        {formatDateTime(x.first, l)}
      </time>
      {x.count > 1 ? <span class="aud-chip">{t('audit.inv_times', { n: x.count })}</span> : null}
    </li>
  );
  return (
    <div class="aud-inv-col" data-testid={`audit-${kind}`}>
      <h3 class="aud-subheading">
        {t(INV_KEYS[kind])} <span class="muted">({list.length})</span>
      </h3>
      {list.length === 0 ? (
        <p class="muted aud-small">{t('audit.inv_none')}</p>
      ) : grouped ? (
        byDepartment(list).map((g) => (
          <div key={g.department} class="aud-dept-group">
            <div class="aud-dept-name">{g.department || t('audit.no_department')}</div>
            <ul class="aud-plain">{g.people.map(item)}</ul>
          </div>
        ))
      ) : (
        <ul class="aud-plain">{list.map(item)}</ul>
      )}
    </div>
  );
}

// ---- 人员活动 ----

function PersonInvestigation(p: Props & { personId?: number }) {
  const [person, setPerson] = useState<{ id: number; name: string } | undefined>(p.personId ? { id: p.personId, name: `#${p.personId}` } : undefined);
  const [range, setRange] = useState(() => lastWeek(new Date()));
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string | undefined>();
  const pager = useMemo(() => createPager<AuditEvent>(), []);
  useEffect(() => {
    if (p.personId) setPerson((x) => (x?.id === p.personId ? x : { id: p.personId!, name: `#${p.personId}` }));
  }, [p.personId]);
  useEffect(() => {
    if (!person) return;
    const id = person.id;
    // The timeline names the person (the trail's click knows only the id).
    const named = (x: { id: number; name: string }) => setPerson((cur) => (cur?.id === x.id && cur.name !== x.name ? { id: x.id, name: x.name } : cur));
    void pager.reset((before) => timelinePage(p.request, id, range, { beforeId: before }, named));
  }, [person?.id, range, p.request]);

  const apply = (e: Event) => {
    e.preventDefault();
    const since = draft.since ? beijingToRfc3339(draft.since) : '';
    const until = draft.until ? beijingToRfc3339(draft.until) : '';
    if (since === undefined || until === undefined) return setRangeError(t('audit.err_time_format'));
    if (since && until && Date.parse(until) <= Date.parse(since)) return setRangeError(t('audit.err_until_before_since'));
    setRangeError(undefined);
    setRange(draft);
  };
  return (
    <div class="aud-inv-body">
      <form class="aud-filters aud-filters-person" onSubmit={apply} noValidate>
        <PersonPick
          request={p.request}
          id="aud-inv-person"
          label={t('audit.person')}
          chosen={person}
          onPick={(x) => {
            setPerson(x);
            if (x) p.navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'person', personId: x.id } });
          }}
        />
        <div class="aud-pair">
          <div class="field">
            <label for="aud-inv-since">{t('audit.f_since')}</label>
            <input id="aud-inv-since" class="input" type="datetime-local" value={draft.since} aria-describedby="aud-inv-week" onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })} />
            <span id="aud-inv-week" class="field-hint">
              {t('audit.person_week')}
            </span>
          </div>
          <div class="field">
            <label for="aud-inv-until">{t('audit.f_until')}</label>
            <input id="aud-inv-until" class="input" type="datetime-local" value={draft.until} onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })} />
          </div>
        </div>
        {rangeError ? (
          <p class="form-error" role="alert">
            {rangeError}
          </p>
        ) : null}
        <div class="aud-actions">
          <button type="submit" class="btn btn-primary" disabled={!person}>
            {t('audit.person_go')}
          </button>
        </div>
      </form>
      {person ? (
        <>
          <h2 class="aud-heading">{t('audit.person_heading', { name: person.name })}</h2>
          <EventList pager={pager} phone={p.phone} department={p.deptPath} nameOf={p.nameOf} label={t('audit.person_heading', { name: person.name })} />
        </>
      ) : (
        <p class="muted">{t('audit.person_pick')}</p>
      )}
    </div>
  );
}

// ---- 通知阅读 ----

function NoticeInvestigation(p: Props & { noticeId?: number }) {
  const l = useLocale();
  const [text, setText] = useState(p.noticeId ? String(p.noticeId) : '');
  const [problem, setProblem] = useState<string | undefined>();
  const [readers, setReaders] = useState<{ id: number; list: NoticeReader[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!p.noticeId) return;
    const id = p.noticeId;
    setBusy(true);
    setError(undefined);
    setReaders(undefined);
    noticeReaders(p.request, id).then(
      (r) => {
        setBusy(false);
        setReaders({ id, list: r.readers });
      },
      (e) => {
        setBusy(false);
        setError(e instanceof ApiError && e.code === 'not_found' ? t('audit.readers_empty') : describeError(toUiError(e, Date.now()), l));
      },
    );
  }, [p.noticeId, p.request]);
  const submit = (e: Event) => {
    e.preventDefault();
    const s = text.trim().replace(/^#/, '');
    if (!/^\d{1,15}$/.test(s) || Number(s) < 1) return setProblem(t('audit.err_notice_id'));
    setProblem(undefined);
    p.navigate({ section: 'audit', tab: 'investigate', inv: { kind: 'notice', noticeId: Number(s) } });
  };
  const list = readers?.list ?? [];
  const count = (k: 'delivered_at' | 'read_at' | 'confirmed_at') => list.filter((r) => r[k]).length;
  const when = (s?: string) => (s ? formatDateTime(s, l) : '—');
  return (
    <div class="aud-inv-body">
      <form class="aud-inline-form" onSubmit={submit} noValidate>
        <div class="field aud-grow">
          <label for="aud-notice">{t('audit.notice_id')}</label>
          <input id="aud-notice" class="input" inputMode="numeric" value={text} maxLength={16} aria-invalid={problem ? true : undefined} aria-describedby="aud-notice-err" onInput={(e) => setText(e.currentTarget.value)} />
          <p id="aud-notice-err" class="form-error" role="alert" hidden={!problem}>
            {problem ?? ''}
          </p>
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {t('audit.notice_go')}
        </button>
      </form>
      <LoadState busy={busy} error={error} />
      {readers ? (
        <section class="aud-section" aria-labelledby="aud-readers-h">
          <h2 id="aud-readers-h" class="aud-heading">
            {t('audit.readers_title', { id: readers.id })}
          </h2>
          {list.length === 0 ? (
            <p class="muted">{t('audit.readers_empty')}</p>
          ) : (
            <>
              <p>{t('audit.readers_summary', { n: list.length, delivered: count('delivered_at'), read: count('read_at'), confirmed: count('confirmed_at') })}</p>
              {p.phone ? (
                <ul class="aud-cards">
                  {list.map((r) => (
                    <li key={r.user.id} class="aud-card">
                      <div class="aud-card-head">
                        <strong>{r.user.name}</strong>
                        <span class="muted">{r.department?.name ?? r.user.department?.name ?? ''}</span>
                      </div>
                      <div class="aud-card-line aud-small">
                        {t('audit.col_delivered')} {when(r.delivered_at)}
                      </div>
                      <div class="aud-card-line aud-small">
                        {t('audit.col_read')} {when(r.read_at)}
                      </div>
                      <div class="aud-card-line aud-small">
                        {t('audit.col_confirmed')} {when(r.confirmed_at)}
                      </div>
                    </li>
                  ))}
                </ul>
              ) : (
                <table class="aud-table" aria-label={t('audit.readers_title', { id: readers.id })}>
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.col_person')}</th>
                      <th scope="col">{t('audit.col_department')}</th>
                      <th scope="col">{t('audit.col_delivered')}</th>
                      <th scope="col">{t('audit.col_read')}</th>
                      <th scope="col">{t('audit.col_confirmed')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.user.id}>
                        <td>{r.user.name}</td>
                        <td>{r.department?.name ?? r.user.department?.name ?? ''}</td>
                        <td>{when(r.delivered_at)}</td>
                        <td>{when(r.read_at)}</td>
                        <td>{when(r.confirmed_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
      ) : null}
    </div>
  );
}
