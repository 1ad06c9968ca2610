import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Request } from '../../api';
import { browserDownloadEnv, createDownloads, type Downloads } from '../../files/download';
import { useFiles } from '../../files/keyring';
import { createOpener, FileOpenError, type FileMeta, type Opener } from '../../files/open';
import type { Requester, Reshare } from '../../files/reshare';
import type { Attachment } from '../../files/types';
import { DownloadTray } from './DownloadTray';
import { PdfView } from './PdfView';
import { Viewer } from './Viewer';
import './filesview.css';

/** What every file view of the session shares: the opener (keys, metadata, thumbnails,
 * all cached) and the downloads in progress. */
export interface FilesView {
  opener: Opener;
  downloads: Downloads;
  /** Changes when the keyring unlocks (or locks): views that failed as locked ask again. */
  keyEpoch: number;
  /** Asks the channel's members for keys never shared with me (reshare.ts); absent in tests. */
  requests?: Requester;
}

export const FilesViewContext = createContext<FilesView | undefined>(undefined);

export function useFilesView(): FilesView | undefined {
  return useContext(FilesViewContext);
}

/** How often a view looks at a keyring that cannot tell of its changes (no subscribe). */
const KEYRING_POLL_MS = 500;

/** The shell's part: one opener and one download list for the signed-in session; both are
 * wiped when it ends (logout unmounts the shell): keys zeroed, object URLs revoked,
 * downloads cancelled. The keyring is read when needed, so unlocking it later works. */
export function FilesViewProvider({ request, reshare, children }: { request: Request; reshare?: Reshare; children: ComponentChildren }) {
  const files = useFiles();
  const filesRef = useRef(files);
  filesRef.current = files;
  const base = useMemo(() => {
    const opener = createOpener({ request, fetch: (i, init) => fetch(i, init), keyring: () => filesRef.current?.keyring });
    return { opener, downloads: createDownloads(opener, browserDownloadEnv()) };
  }, [request]);
  useEffect(
    () => () => {
      base.downloads.dispose();
      base.opener.wipe();
    },
    [base],
  );
  // Key requests answer and ask through this opener: its keys are cached and batched.
  useEffect(() => reshare?.attach(base.opener), [base, reshare]);
  // A change of the private key (unlocked, forgotten) re-opens what was locked: told by the
  // keyring's subscribe; a keyring without it is looked at twice a second (a cheap getter).
  const unlocked = useRef(!!files?.keyring.privateKey());
  const [keyEpoch, setKeyEpoch] = useState(0);
  useEffect(() => {
    const look = () => {
      const now = !!filesRef.current?.keyring.privateKey();
      if (now === unlocked.current) return;
      unlocked.current = now;
      setKeyEpoch((n) => n + 1);
    };
    look();
    const keyring = files?.keyring;
    if (keyring?.subscribe) return keyring.subscribe(look);
    const timer = setInterval(look, KEYRING_POLL_MS);
    return () => clearInterval(timer);
  }, [files]);
  const view = useMemo<FilesView>(() => ({ ...base, keyEpoch, requests: reshare?.requester }), [base, keyEpoch, reshare]);
  return (
    <FilesViewContext.Provider value={view}>
      {children}
      <DownloadTray downloads={base.downloads} />
    </FilesViewContext.Provider>
  );
}

/** Where attachments are shown: their key context and the viewer for their pictures. */
export interface AttachmentPlace {
  context: string;
  /** Opens the picture viewer at `att`, among `among` (default: the place's gallery). */
  openPicture(att: Attachment, among?: readonly Attachment[]): void;
  openPdf(att: Attachment): void;
}

const PlaceContext = createContext<AttachmentPlace | undefined>(undefined);

export function useAttachmentPlace(): AttachmentPlace | undefined {
  return useContext(PlaceContext);
}

/**
 * A channel (context channel:<id>) or a notice (context notice): attachments inside read
 * their keys in that context, and their pictures open in one viewer whose 上一张 / 下一张
 * go through `gallery()` — the pictures of the loaded timeline, read when it opens.
 */
export function AttachmentScope({ context, gallery, children }: { context: string; gallery: () => readonly Attachment[]; children: ComponentChildren }) {
  const view = useFilesView();
  const [pictures, setPictures] = useState<{ items: readonly Attachment[]; index: number }>();
  const [pdf, setPdf] = useState<Attachment>();
  const galleryRef = useRef(gallery);
  galleryRef.current = gallery;
  const place = useMemo<AttachmentPlace>(
    () => ({
      context,
      openPicture(att, among) {
        const list = among ?? galleryRef.current();
        const index = list.findIndex((a) => a.blob_id === att.blob_id);
        setPictures(index >= 0 ? { items: list, index } : { items: [att], index: 0 });
      },
      openPdf: (att) => setPdf(att),
    }),
    [context],
  );
  return (
    <PlaceContext.Provider value={place}>
      {children}
      {view && pictures ? <Viewer view={view} context={context} items={pictures.items} start={pictures.index} onClose={() => setPictures(undefined)} /> : null}
      {view && pdf ? <PdfView view={view} context={context} att={pdf} onClose={() => setPdf(undefined)} /> : null}
    </PlaceContext.Provider>
  );
}

/** How often a view that found the keyring locked looks again, when the keyring cannot
 * tell it (no subscribe); with subscribe, keyEpoch moving is enough. */
const LOCKED_RETRY_MS = 1500;

/** A file's metadata, loaded once per blob (the opener caches it); `retry` asks again. */
export function useMeta(att: Attachment, context: string | undefined): { meta?: FileMeta; error?: unknown; retry: () => void } {
  const view = useFilesView();
  const files = useFiles();
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ meta?: FileMeta; error?: unknown }>(() => ({ meta: view?.opener.cachedMeta(att.blob_id) }));
  useEffect(() => {
    if (!view) return undefined;
    let live = true;
    const known = view.opener.cachedMeta(att.blob_id);
    if (known) {
      setState({ meta: known });
      return undefined;
    }
    setState({});
    let timer: ReturnType<typeof setTimeout> | undefined;
    view.opener.meta(att, context).then(
      (meta) => live && setState({ meta }),
      (error) => {
        if (!live) return;
        setState({ error });
        // Locked: asked again when the keyring unlocks (keyEpoch); one that cannot tell
        // of it is asked again shortly.
        if (error instanceof FileOpenError && error.code === 'locked' && !files?.keyring.subscribe) timer = setTimeout(() => live && setTick((n) => n + 1), LOCKED_RETRY_MS);
      },
    );
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
    // A new keyring (unlocked) or a retry asks again.
  }, [view?.opener, att.blob_id, context, tick, files?.keyring, view?.keyEpoch]);
  return {
    ...state,
    retry: () => {
      view?.opener.forget(att.blob_id);
      setTick((n) => n + 1);
    },
  };
}

/** A picture's thumbnail URL while the view is mounted (released on unmount). */
export function useThumb(att: Attachment, context: string | undefined, enabled: boolean): { url?: string; error?: unknown } {
  const view = useFilesView();
  const files = useFiles();
  const [state, setState] = useState<{ url?: string; error?: unknown }>({});
  useEffect(() => {
    if (!view || !enabled) return undefined;
    let live = true;
    const h = view.opener.thumb(att, context);
    h.url.then(
      (url) => live && setState({ url }),
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
      h.release();
    };
  }, [view?.opener, att.blob_id, context, enabled, files?.keyring, view?.keyEpoch]);
  return state;
}
