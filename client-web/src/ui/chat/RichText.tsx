import { segmentText } from '../../chat/text';

/** Message text as text nodes only: links (http/https), mentions and visible control
 * markers are elements whose content is still plain text. Never HTML. */
export function RichText({ text, mentionNames, myNames }: { text: string; mentionNames: string[]; myNames: string[] }) {
  return (
    <>
      {segmentText(text, mentionNames, myNames).map((s, i) => {
        switch (s.kind) {
          case 'link':
            return (
              <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow">
                {s.text}
              </a>
            );
          case 'mention':
            return (
              <span key={i} class={s.me ? 'mention mention-me' : 'mention'}>
                {s.text}
              </span>
            );
          case 'control':
            return (
              <span key={i} class="control-char">
                {s.text}
              </span>
            );
          default:
            return s.text;
        }
      })}
    </>
  );
}
