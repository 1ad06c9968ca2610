// The sending side of files for the composer, the channel and 我 (the shell provides it;
// FilesContext in src/files/keyring.ts carries the narrower Keyring/Sharer for viewing).

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { FilesSend } from '../../../files/wiring';

export interface FilesSendValue {
  fs: FilesSend;
  /** The largest file a person may send, in bytes (/info's max_file_size, else 2 GiB). */
  limit: number;
}

export const FilesSendContext = createContext<FilesSendValue | undefined>(undefined);

export function useFilesSend(): FilesSendValue | undefined {
  return useContext(FilesSendContext);
}
