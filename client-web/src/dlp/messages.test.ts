import { describe, expect, it } from 'vitest';
import { sendData } from '../chat/compose';
import { describeError } from '../errors';
import { rememberRules } from './names';

describe('the server’s DLP answers to a message', () => {
  it('names the rules: built-in ones from the dictionary, the officer’s by their name', () => {
    rememberRules([{ id: 'kw_falcon', kind: 'keyword', name: '项目代号', keywords: ['x'], actions: ['block', 'block', 'block', 'block'] }]);
    const at = Date.now();
    expect(describeError({ code: 'dlp_blocked', at, rules: ['secret_mark', 'kw_falcon'] }, 'zh-CN')).toBe(
      '消息含有禁止发送的敏感信息（密级标志、项目代号），未发送。请删除后重新发送。',
    );
    expect(describeError({ code: 'dlp_warning', at, rules: ['id_card'] }, 'en')).toBe(
      'The message contains sensitive information (ID number); sending it will be recorded.',
    );
  });
  it('sends dlp_ack only once the sender chose to send anyway', () => {
    expect(sendData({ channelId: 1, clientId: 'c', text: 't' })).not.toHaveProperty('dlp_ack');
    expect(sendData({ channelId: 1, clientId: 'c', text: 't', dlpAck: true }).dlp_ack).toBe(true);
  });
});
