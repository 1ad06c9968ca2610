import { useEffect, useState } from 'preact/hooks';
import { PHONE_QUERY } from '../../phone/layout';

function query(): MediaQueryList | undefined {
  return typeof matchMedia === 'function' ? matchMedia(PHONE_QUERY) : undefined;
}

/** True while the window is phone-wide; follows rotation and resizing. */
export function usePhone(): boolean {
  const [phone, setPhone] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const q = query();
    if (!q) return undefined;
    const on = () => setPhone(q.matches);
    on();
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return phone;
}
