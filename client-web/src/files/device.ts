// This device's copy of the person's private key (E2E.md §4): sealed with AES-GCM under
// a device key that WebCrypto made non-extractable, both kept in IndexedDB per user. A
// reload then needs no password, and a script that reads IndexedDB gets a CryptoKey it
// cannot export, not the private key. Wiped at logout (office computers are shared).
//
// The sealing is here and tested; the IndexedDB adapter below is as thin as it can be.

/** What one user's record holds. */
export interface DeviceRecord {
  /** AES-256-GCM, extractable: false. */
  key: CryptoKey;
  keyId: string;
  /** nonce(12) ‖ AES-GCM(private key) */
  sealed: Uint8Array;
}

/** Where records live (IndexedDB in the browser, a Map in tests). */
export interface DeviceStore {
  get(userId: number): Promise<DeviceRecord | undefined>;
  put(userId: number, r: DeviceRecord): Promise<void>;
  delete(userId: number): Promise<void>;
}

export interface DeviceVault {
  /** The private key this device keeps for the user, with its key id; null if none. */
  load(userId: number): Promise<{ keyId: string; privateKey: Uint8Array } | null>;
  save(userId: number, keyId: string, privateKey: Uint8Array): Promise<void>;
  wipe(userId: number): Promise<void>;
}

const enc = new TextEncoder();

/** Binds a sealed key to its user and key id, so a record cannot be moved to another. */
function aadOf(userId: number, keyId: string): Uint8Array<ArrayBuffer> {
  return enc.encode(`govchat-device-key/1\u0000${userId}\u0000${keyId}`);
}

export function createDeviceVault(store: DeviceStore, subtle: SubtleCrypto = crypto.subtle): DeviceVault {
  return {
    async load(userId) {
      const r = await store.get(userId);
      if (!r || !(r.sealed instanceof Uint8Array) || r.sealed.length <= 12 || typeof r.keyId !== 'string') return null;
      try {
        const pt = await subtle.decrypt(
          { name: 'AES-GCM', iv: r.sealed.slice(0, 12), additionalData: aadOf(userId, r.keyId) },
          r.key,
          r.sealed.slice(12),
        );
        return { keyId: r.keyId, privateKey: new Uint8Array(pt) };
      } catch {
        return null; // damaged or not ours: as if there were none
      }
    },
    async save(userId, keyId, privateKey) {
      const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(
        await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aadOf(userId, keyId) }, key, privateKey as Uint8Array<ArrayBuffer>),
      );
      const sealed = new Uint8Array(12 + ct.length);
      sealed.set(iv);
      sealed.set(ct, 12);
      await store.put(userId, { key, keyId, sealed });
    },
    wipe: (userId) => store.delete(userId),
  };
}

const DB = 'govchat-keys';
const STORE = 'device';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The browser's IndexedDB, one record per user id; `name` another database of the same
 * shape (the one-time key of a pending key recovery lives in its own, src/recovery). */
export function indexedDbStore(idb: IDBFactory = indexedDB, name = DB): DeviceStore {
  let db: Promise<IDBDatabase> | undefined;
  // A database of that name without the store (made by something else that opened it
  // first) is upgraded once more to make the store, rather than failing for good.
  const attempt = (version?: number) =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const r = version === undefined ? idb.open(name) : idb.open(name, version);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE);
      };
      r.onsuccess = () => {
        const d = r.result;
        if (d.objectStoreNames.contains(STORE)) return resolve(d);
        d.close();
        attempt(d.version + 1).then(resolve, reject);
      };
      r.onerror = () => reject(r.error);
    });
  const open = () => {
    db ??= attempt().catch((e) => {
      db = undefined;
      throw e;
    });
    return db;
  };
  const tx = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const t = (await open()).transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      t.oncomplete = () => resolve();
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
    const out = await req(fn(t.objectStore(STORE)));
    await done; // a write counts once it is committed
    return out;
  };
  return {
    get: (userId) => tx('readonly', (s) => s.get(userId) as IDBRequest<DeviceRecord | undefined>),
    put: async (userId, r) => {
      await tx('readwrite', (s) => s.put(r, userId));
    },
    delete: async (userId) => {
      await tx('readwrite', (s) => s.delete(userId));
    },
  };
}
