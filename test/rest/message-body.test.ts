import { describe, expect, it } from 'vitest';
import { toChannelMessageBody, toMediaUploadBody, toMessageBody, type MessageBody } from '../../src/rest/index.js';

describe('message bodies', () => {
  it('a string is a text message', () => {
    expect(toMessageBody('hi')).toEqual({ msg_type: 0, content: 'hi' });
    expect(toChannelMessageBody('hi')).toEqual({ content: 'hi' });
  });

  it('a media message without content gets " " (the platform rejects empty content with msg_type 7)', () => {
    expect(toMessageBody({ msg_type: 7, media: { file_info: 'F' } })).toEqual({ msg_type: 7, media: { file_info: 'F' }, content: ' ' });
    expect(toMessageBody({ msg_type: 7, media: { file_info: 'F' }, content: '' }).content).toBe(' ');
    expect(toMessageBody({ msg_type: 7, media: { file_info: 'F' }, content: 'caption' }).content).toBe('caption');
  });

  it('leaves other bodies as they are', () => {
    const markdown: MessageBody = { msg_type: 2, markdown: { custom_template_id: 'T1', params: [{ key: 'k', values: ['v'] }] }, keyboard: { id: 'K1' } };
    expect(toMessageBody(markdown)).toBe(markdown);
  });

  it('uploads bytes as base64 file_data and never spends active quota by default', () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(toMediaUploadBody({ file_type: 1, data: bytes })).toEqual({ file_type: 1, srv_send_msg: false, file_data: 'iVBORw==' });
    const slice = Buffer.from('xxPNGxx').subarray(2, 5);
    expect(toMediaUploadBody({ file_type: 1, data: slice }).file_data).toBe(Buffer.from('PNG').toString('base64'));
    expect(toMediaUploadBody({ file_type: 2, url: 'https://e.com/v.mp4', srv_send_msg: true })).toEqual({ file_type: 2, srv_send_msg: true, url: 'https://e.com/v.mp4' });
  });
});
