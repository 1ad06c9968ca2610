import { useRef, useState } from 'preact/hooks';
import { carriesFiles, droppedFiles } from '../../../files/pick';
import { formatSize } from '../../../files/size';
import { t } from '../../../i18n';

/** Dropping files anywhere on a channel sends them there: while a drag with files is
 * over it, an overlay says "松开即可发送". Returns the handlers for the channel's element
 * and the overlay; `enabled` false (no composer) gives neither. */
export function useFileDrop(enabled: boolean, channelName: string, limit: number, onFiles: (files: File[], folders: string[]) => void) {
  const { handlers, over } = useDragFiles(enabled, onFiles);
  const overlay = over ? (
    <div class="drop-zone" aria-hidden="true">
      <div class="drop-zone-box">
        <p class="drop-zone-title">{t('files.drop')}</p>
        <p class="drop-zone-hint">{t('files.drop_to', { channel: channelName, limit: formatSize(limit) })}</p>
      </div>
    </div>
  ) : null;
  return { handlers, overlay };
}

/** The drag and drop of files onto an element (a channel, the notice form): its handlers,
 * and whether a drag with files is over it now. Text and links dragged are left alone. */
export function useDragFiles(enabled: boolean, onFiles: (files: File[], folders: string[]) => void) {
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them.
  const depth = useRef(0);
  if (!enabled) return { handlers: {}, over: false };
  const handlers = {
    onDragEnter(e: DragEvent) {
      if (!carriesFiles(e.dataTransfer)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    },
    onDragOver(e: DragEvent) {
      if (!carriesFiles(e.dataTransfer)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(e: DragEvent) {
      if (!carriesFiles(e.dataTransfer)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDrop(e: DragEvent) {
      if (!e.dataTransfer || !carriesFiles(e.dataTransfer)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      const { files, folders } = droppedFiles(e.dataTransfer);
      if (files.length || folders.length) onFiles(files, folders);
    },
  };
  return { handlers, over };
}
