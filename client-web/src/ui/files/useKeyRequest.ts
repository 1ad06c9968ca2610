import { useEffect, useState } from 'preact/hooks';
import { isChannelContext, type RequestState } from '../../files/reshare';
import type { FileOpenError } from '../../files/open';
import { useFilesView } from './scope';

/** Why a file may be opened once a member shares its key: none for me (asked at once), or
 * only to a key of mine I no longer have — sent before my key was reset (issue 12): the
 * card says so, and asks when the person clicks 请求重新共享. */
const askable = (e: FileOpenError | undefined) => e?.code === 'no_key' || e?.code === 'key_unusable';
const askAtOnce = (e: FileOpenError | undefined) => e?.code === 'no_key';

/**
 * A file of a channel that would not open for want of my key: asks the channel's members
 * for it once (reshare.ts) and follows the request; `reload` runs when the key arrived.
 * Undefined when there is nothing to ask (it opened, another error, not a channel's file).
 */
export function useKeyRequest(
  blobId: string,
  context: string | undefined,
  error: FileOpenError | undefined,
  reload: () => void,
): { state: RequestState; retry: () => void } | { state?: undefined; ask: () => void } | undefined {
  const requests = useFilesView()?.requests;
  const [clicked, setClicked] = useState(false);
  const possible = !!requests && askable(error) && isChannelContext(context);
  const wanted = possible && (askAtOnce(error) || clicked);
  const [state, setState] = useState<RequestState | undefined>(undefined);
  useEffect(() => {
    if (!wanted || !requests || !context) {
      setState(undefined);
      return undefined;
    }
    const now = requests.ask(blobId, context);
    setState(now);
    if (now.phase === 'received') {
      reload();
      return undefined;
    }
    return requests.subscribe(blobId, (s) => {
      setState(s);
      if (s.phase === 'received') reload();
    });
    // reload is the view's, new every render: what it does is the same.
  }, [wanted, requests, blobId, context]);
  if (possible && !wanted) return { ask: () => setClicked(true) };
  if (!wanted || !state || !requests || !context) return undefined;
  return { state, retry: () => requests.retry(blobId, context) };
}
