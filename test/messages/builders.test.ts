import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ark,
  callbackButton,
  commandButton,
  embed,
  image,
  keyboard,
  keyboardTemplate,
  linkButton,
  markdown,
  markdownTemplate,
  mediaSource,
  mentionChannel,
  mentionedUserIds,
  mentionGroupMember,
  mentions,
  mentionUser,
  QQMessageError,
  stripMentions,
  text,
  video,
} from '../../src/messages/index.js';
import { loadMediaSource } from '../../src/rest/media-source.js';
import { toChannelMessageBody } from '../../src/rest/message-body.js';

const thrown = (fn: () => unknown): QQMessageError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(QQMessageError);
    return error as QQMessageError;
  }
  throw new Error('expected a QQMessageError');
};

describe('text, markdown, ark, embed', () => {
  it('text is msg_type 0 and refuses blank content', () => {
    expect(text('hi')).toEqual({ msg_type: 0, content: 'hi' });
    expect(thrown(() => text('  ')).part).toBe('content');
  });

  it('native markdown carries only markdown (and a keyboard): content beside it is code 50037', () => {
    const kb = keyboardTemplate('tpl');
    expect(markdown('# t')).toEqual({ msg_type: 2, markdown: { content: '# t' } });
    expect(markdown('# t', kb)).toEqual({ msg_type: 2, markdown: { content: '# t' }, keyboard: { id: 'tpl' } });
    expect('content' in markdown('# t')).toBe(false);
  });

  it('markdown templates turn an object into [{key, values}] and refuse empty values', () => {
    expect(markdownTemplate('T1', { title: 'a', items: ['x', 'y'] })).toEqual({
      msg_type: 2,
      markdown: { custom_template_id: 'T1', params: [{ key: 'title', values: ['a'] }, { key: 'items', values: ['x', 'y'] }] },
    });
    expect(markdownTemplate('T1')).toEqual({ msg_type: 2, markdown: { custom_template_id: 'T1' } });
    expect(thrown(() => markdownTemplate('T1', { title: '' })).part).toBe('markdown.params.title');
    expect(thrown(() => markdownTemplate('T1', { items: [] })).part).toBe('markdown.params.items');
  });

  it('ark turns strings into value and lists into obj/obj_kv', () => {
    expect(ark(23, { '#DESC#': 'd', '#LIST#': [{ desc: 'a', link: 'https://e.com' }] })).toEqual({
      msg_type: 3,
      ark: {
        template_id: 23,
        kv: [
          { key: '#DESC#', value: 'd' },
          { key: '#LIST#', obj: [{ obj_kv: [{ key: 'desc', value: 'a' }, { key: 'link', value: 'https://e.com' }] }] },
        ],
      },
    });
    expect(thrown(() => ark(0, { a: 'b' })).part).toBe('ark.template_id');
    expect(thrown(() => ark(23, {})).part).toBe('ark.kv');
  });

  it('embed wraps thumbnail and fields in the wire shapes', () => {
    expect(embed({ title: 't', thumbnail: 'https://e.com/a.png', fields: ['x'] })).toEqual({
      msg_type: 4,
      embed: { title: 't', thumbnail: { url: 'https://e.com/a.png' }, fields: [{ name: 'x' }] },
    });
    expect(thrown(() => embed({})).part).toBe('embed');
  });
});

describe('keyboard', () => {
  it('fills every field the platform requires', () => {
    const kb = keyboard([[callbackButton('签到', 'checkin')]]) as { content: { rows: Array<{ buttons: unknown[] }> } };
    const [button] = kb.content.rows[0]!.buttons;
    expect(button).toEqual({
      id: 'r1c1',
      render_data: { label: '签到', visited_label: '签到', style: 1 },
      action: { type: 1, permission: { type: 2 }, data: 'checkin', unsupport_tips: expect.stringMatching(/.+/) },
    });
  });

  it('maps permissions, link and command buttons', () => {
    const kb = keyboard([
      [linkButton('docs', 'https://e.com', { permission: { type: 'managers' } }), commandButton('help', '/help', { enter: true, permission: { type: 'users', userIds: ['u1'] } })],
      [callbackButton('r', 'x', { permission: { type: 'roles', roleIds: ['4'] }, style: 0, visitedLabel: 'done', id: 'mine' })],
    ]);
    const rows = (kb as { content: { rows: Array<{ buttons: Array<{ id: string; render_data: unknown; action: Record<string, unknown> }> }> } }).content.rows;
    expect(rows[0]!.buttons[0]!.action).toMatchObject({ type: 0, data: 'https://e.com', permission: { type: 1 } });
    expect(rows[0]!.buttons[1]!.action).toMatchObject({ type: 2, enter: true, permission: { type: 0, specify_user_ids: ['u1'] } });
    expect(rows[1]!.buttons[0]).toMatchObject({ id: 'mine', render_data: { label: 'r', visited_label: 'done', style: 0 }, action: { permission: { type: 3, specify_role_ids: ['4'] } } });
    expect(rows[0]!.buttons[1]!.id).toBe('r1c2');
  });

  it('refuses more than 5 rows or 5 buttons, empty rows, duplicate ids and non-URL links', () => {
    const b = () => callbackButton('b', 'b');
    expect(thrown(() => keyboard(Array.from({ length: 6 }, () => [b()]))).part).toBe('keyboard.rows');
    expect(thrown(() => keyboard([[b(), b(), b(), b(), b(), b()]])).part).toBe('keyboard.rows[0]');
    expect(thrown(() => keyboard([[b()], []])).part).toBe('keyboard.rows[1]');
    expect(thrown(() => keyboard([[callbackButton('a', 'a', { id: 'x' }), callbackButton('b', 'b', { id: 'x' })]])).part).toBe('keyboard.rows[0][1].id');
    expect(thrown(() => linkButton('x', 'javascript:alert(1)')).part).toContain('data');
    expect(thrown(() => callbackButton('', 'x')).part).toBe('button.label');
    // the limit itself is fine
    expect(() => keyboard(Array.from({ length: 5 }, () => [b(), b(), b(), b(), b()]))).not.toThrow();
  });
});

describe('media', () => {
  it('tells URLs, paths and bytes apart', () => {
    expect(mediaSource('https://e.com/a.png')).toEqual({ url: 'https://e.com/a.png' });
    expect(mediaSource('./a.png')).toEqual({ path: './a.png' });
    expect(mediaSource('file:///tmp/a.png')).toEqual({ path: '/tmp/a.png' });
    const bytes = Buffer.from('x');
    expect(mediaSource(bytes)).toEqual({ data: bytes });
    expect(mediaSource({ url: 'relative-but-url' })).toEqual({ url: 'relative-but-url' });
    expect(image('https://e.com/a.png', 'cap')).toEqual({ url: 'https://e.com/a.png', file_type: 1, content: 'cap' });
    expect(video({ path: 'v.mp4' })).toEqual({ path: 'v.mp4', file_type: 2 });
  });

  it('reads a file path into bytes, and names a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qqbm-'));
    writeFileSync(join(dir, 'a.png'), Buffer.from([1, 2, 3]));
    const loaded = await loadMediaSource({ path: join(dir, 'a.png') });
    expect([...(loaded.data as Uint8Array)]).toEqual([1, 2, 3]);
    expect(loaded.filename).toBe('a.png');
    const error = await loadMediaSource({ path: join(dir, 'missing.png') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QQMessageError);
    expect((error as Error).message).toContain('ENOENT');
  });
});

describe('channel bodies from builders', () => {
  it('drop msg_type and msg_seq, and refuse file_info media', () => {
    expect(toChannelMessageBody(markdown('x'))).toEqual({ markdown: { content: 'x' } });
    expect(toChannelMessageBody({ ...text('x'), msg_seq: 2 })).toEqual({ content: 'x' });
    expect(() => toChannelMessageBody({ msg_type: 7, media: { file_info: 'f' } })).toThrow(QQMessageError);
  });
});

describe('mentions', () => {
  it('builds guild and group mention tokens', () => {
    expect(mentionUser('42')).toBe('<@!42>');
    expect(mentionChannel('7')).toBe('<#7>');
    expect(mentionGroupMember('OPEN')).toBe('<qqbot-at-user id="OPEN" />');
  });

  it('strips every mention, or only one user’s, and keeps channel links', () => {
    expect(stripMentions('<@!123> /roll 6')).toBe('/roll 6');
    expect(stripMentions(' /roll 6')).toBe('/roll 6');
    expect(stripMentions('<@!bot> hi <@!42> <#9>', { only: 'bot' })).toBe('hi <@!42> <#9>');
    expect(stripMentions('<@everyone>  hi <@5>')).toBe('hi');
    expect(stripMentions('<qqbot-at-user id="A" /> hi <qqbot-at-everyone />')).toBe('hi');
    expect(stripMentions('<qqbot-at-user id="A" /> hi', { only: 'B' })).toBe('<qqbot-at-user id="A" /> hi');
  });

  it('lists mentioned ids and answers whether one is mentioned', () => {
    expect(mentionedUserIds('<@!1> hi <@2> <@!1> <@everyone>')).toEqual(['1', '2']);
    expect(mentions('<@!1> x', '1')).toBe(true);
    expect(mentions('<qqbot-at-user id="G1" /> x', 'G1')).toBe(true);
    expect(mentions('x', '1')).toBe(false);
  });
});
