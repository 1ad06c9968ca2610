import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';

/**
 * A page whose code is fetched the first time someone opens it: the administrator's,
 * the security officer's and the console's pages are a separate chunk each, so the
 * staff who never open them never download them (the web client's size budget).
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyPage(props: P) {
    const [page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (page) return;
      let live = true;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          if (live) setPage(() => c);
        },
        () => {
          pending = undefined; // a later visit tries again (a deploy replaced the chunk, the network dropped)
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, [page]);
    if (page) {
      const Page = page;
      return <Page {...props} />;
    }
    return (
      <p class="muted" role={failed ? 'alert' : 'status'}>
        {failed ? t('app.page_failed') : t('app.loading')}
      </p>
    );
  };
}
