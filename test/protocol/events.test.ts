import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isKnownQQEvent,
  isQQEventType,
  qqEventTypes,
  type C2CMessage,
  type DirectMessage,
  type FriendLifecycle,
  type GroupLifecycle,
  type GroupMessage,
  type GuildMessage,
  type Interaction,
  type MessageAttachment,
  type MessageScene,
  type Member,
  type QQEventMap,
  type QQEventType,
  type User,
} from '../../src/protocol/events.js';
import { intentTable } from '../../src/protocol/intents.js';

// The samples live in the project's shared/ folder beside the clone (/work/shared beside /work/main, and the same
// in CI). test/fixtures/samples is a byte-identical vendored copy (test/fixtures/samples-sync.test.ts), used only
// when shared/ is not there.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedSamples = path.resolve(repoRoot, '../shared/protocol/samples');
const samplesDir = existsSync(sharedSamples) ? sharedSamples : path.resolve(repoRoot, 'test/fixtures/samples');

// ─────────────── shape specs, derived from the interfaces ───────────────
// `Spec<T>` has one entry per key of T (optional ones too), marked required exactly when T requires it, with the
// primitive kind of its type. So the compiler rejects a spec that drifts from the interface, and the runtime
// check below rejects a sample that drifts from the spec.

type Kind<V> = V extends string
  ? 'string'
  : V extends number
    ? 'number'
    : V extends boolean
      ? 'boolean'
      : V extends readonly (infer U)[]
        ? readonly ['array', Kind<U>]
        : V extends object
          ? Spec<V>
          : 'unknown';
type Field<V, R extends boolean> = { readonly required: R; readonly kind: Kind<Exclude<V, undefined>> };
type Spec<T> = { readonly [K in keyof T]-?: Field<T[K], {} extends Pick<T, K> ? false : true> };

type AnyKind = 'string' | 'number' | 'boolean' | 'unknown' | readonly ['array', AnyKind] | AnySpec;
type AnySpec = { readonly [key: string]: { readonly required: boolean; readonly kind: AnyKind } };

const req = <const K>(kind: K) => ({ required: true as const, kind });
const opt = <const K>(kind: K) => ({ required: false as const, kind });

const userSpec: Spec<User> = {
  id: req('string'),
  username: opt('string'),
  avatar: opt('string'),
  bot: opt('boolean'),
  union_openid: opt('string'),
  union_user_account: opt('string'),
};
const memberSpec: Spec<Member> = { joined_at: opt('string'), nick: opt('string'), roles: opt(['array', 'string']), user: opt(userSpec) };
const attachmentSpec: Spec<MessageAttachment> = {
  url: req('string'),
  content_type: opt('string'),
  filename: opt('string'),
  height: opt('number'),
  width: opt('number'),
  size: opt('number'),
  content: opt('string'),
};
const sceneSpec: Spec<MessageScene> = { source: opt('string'), callback_data: opt('string'), ext: opt(['array', 'string']) };

const c2cMessageSpec: Spec<C2CMessage> = {
  id: req('string'),
  author: req({ user_openid: req('string'), id: opt('string'), union_openid: opt('string') }),
  content: req('string'),
  timestamp: req('string'),
  attachments: opt(['array', attachmentSpec]),
  message_scene: opt(sceneSpec),
  message_type: opt('number'),
};
const groupMessageSpec: Spec<GroupMessage> = {
  id: req('string'),
  author: req({ member_openid: req('string'), id: opt('string'), union_openid: opt('string') }),
  content: req('string'),
  timestamp: req('string'),
  group_openid: req('string'),
  group_id: opt('string'),
  attachments: opt(['array', attachmentSpec]),
  message_scene: opt(sceneSpec),
  message_type: opt('number'),
  mentions: opt([
    'array',
    { bot: opt('boolean'), id: opt('string'), is_you: opt('boolean'), member_openid: opt('string'), scope: opt('string'), username: opt('string') },
  ]),
};
const guildMessageSpec: Spec<GuildMessage> = {
  id: req('string'),
  channel_id: req('string'),
  guild_id: req('string'),
  content: opt('string'),
  timestamp: req('string'),
  edited_timestamp: opt('string'),
  mention_everyone: opt('boolean'),
  author: req(userSpec),
  member: opt(memberSpec),
  attachments: opt(['array', attachmentSpec]),
  embeds: opt(['array', 'unknown']),
  mentions: opt(['array', userSpec]),
  ark: opt('unknown'),
  seq: opt('number'),
  seq_in_channel: opt('string'),
  message_reference: opt({ message_id: req('string'), ignore_get_message_error: opt('boolean') }),
};
const directMessageSpec: Spec<DirectMessage> = { ...guildMessageSpec, direct_message: opt('boolean'), src_guild_id: opt('string') };
const interactionSpec: Spec<Interaction> = {
  id: req('string'),
  type: req('number'),
  data: req({
    type: req('number'),
    name: opt('string'),
    resolved: req({
      button_data: opt('string'),
      button_id: opt('string'),
      user_id: opt('string'),
      feature_id: opt('string'),
      message_id: opt('string'),
      checked: opt('number'),
      feedback_opt: opt('string'),
    }),
  }),
  scene: opt('string'),
  chat_type: opt('number'),
  timestamp: opt('string'),
  guild_id: opt('string'),
  channel_id: opt('string'),
  user_openid: opt('string'),
  group_openid: opt('string'),
  group_member_openid: opt('string'),
  application_id: opt('string'),
  version: opt('number'),
};
const friendSpec: Spec<FriendLifecycle> = { openid: req('string'), timestamp: req('number'), author: opt({ union_openid: opt('string') }) };
const groupLifecycleSpec: Spec<GroupLifecycle> = { group_openid: req('string'), op_member_openid: req('string'), timestamp: req('number') };

const specs: { readonly [K in QQEventType]?: Spec<QQEventMap[K]> } = {
  C2C_MESSAGE_CREATE: c2cMessageSpec,
  GROUP_AT_MESSAGE_CREATE: groupMessageSpec,
  GROUP_MESSAGE_CREATE: groupMessageSpec,
  AT_MESSAGE_CREATE: guildMessageSpec,
  MESSAGE_CREATE: guildMessageSpec,
  DIRECT_MESSAGE_CREATE: directMessageSpec,
  INTERACTION_CREATE: interactionSpec,
  FRIEND_ADD: friendSpec,
  FRIEND_DEL: friendSpec,
  C2C_MSG_REJECT: friendSpec,
  C2C_MSG_RECEIVE: friendSpec,
  GROUP_ADD_ROBOT: groupLifecycleSpec,
  GROUP_DEL_ROBOT: groupLifecycleSpec,
  GROUP_MSG_REJECT: groupLifecycleSpec,
  GROUP_MSG_RECEIVE: groupLifecycleSpec,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every way `value` departs from `spec`: a missing required key, a wrong primitive type, or a key the interface does not declare. */
function shapeErrors(value: unknown, spec: AnySpec, at = 'd'): string[] {
  if (!isRecord(value)) return [`${at}: expected an object, got ${JSON.stringify(value)}`];
  const errors: string[] = [];
  for (const [key, field] of Object.entries(spec)) {
    const v = value[key];
    if (v === undefined) {
      if (field.required) errors.push(`${at}.${key}: required but missing`);
    } else {
      errors.push(...kindErrors(v, field.kind, `${at}.${key}`));
    }
  }
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(spec, key)) errors.push(`${at}.${key}: present in the sample but not declared in the interface`);
  }
  return errors;
}

function kindErrors(value: unknown, kind: AnyKind, at: string): string[] {
  if (kind === 'unknown') return [];
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: expected a number, got ${JSON.stringify(value)}`];
  if (kind === 'string' || kind === 'boolean') return typeof value === kind ? [] : [`${at}: expected a ${kind}, got ${JSON.stringify(value)}`];
  if (Array.isArray(kind)) {
    const [, element] = kind as readonly ['array', AnyKind];
    if (!Array.isArray(value)) return [`${at}: expected an array, got ${JSON.stringify(value)}`];
    return value.flatMap((item, i) => kindErrors(item, element, `${at}[${i}]`));
  }
  return shapeErrors(value, kind as AnySpec, at);
}

// ─────────────── the samples ───────────────

interface EventSample {
  file: string;
  type: string;
  d: unknown;
  envelope: Record<string, unknown> | null;
}

/** Every sample that carries an event payload: dispatch envelopes (op 0 with `t`), and `<type>.d.*.json` files. */
function eventSamples(): EventSample[] {
  const out: EventSample[] = [];
  for (const file of readdirSync(samplesDir).filter((f) => f.endsWith('.json')).sort()) {
    const json: unknown = JSON.parse(readFileSync(path.join(samplesDir, file), 'utf8'));
    if (file.includes('.d.')) {
      out.push({ file, type: file.slice(0, file.indexOf('.')).toUpperCase(), d: json, envelope: null });
    } else if (isRecord(json) && json.op === 0 && typeof json.t === 'string') {
      out.push({ file, type: json.t, d: json.d, envelope: json });
    }
  }
  return out;
}

const connectionEvents = new Set(['READY', 'RESUMED']);
const samples = eventSamples();
const userEventSamples = samples.filter((s) => !connectionEvents.has(s.type));

describe('event payload samples conform to the declared types', () => {
  it('finds the event samples the brief lists', () => {
    const byType = (type: string) => userEventSamples.filter((s) => s.type === type).map((s) => s.file);
    expect(byType('C2C_MESSAGE_CREATE')).toEqual([
      'c2c_message_create.webhook.captured.json',
      'c2c_message_create.webhook.captured_msgtype3.json',
      'c2c_message_create.ws.docs.json',
    ]);
    expect(byType('GROUP_AT_MESSAGE_CREATE')).toEqual([
      'group_at_message_create.webhook.captured.json',
      'group_at_message_create.webhook.captured2.json',
      'group_at_message_create.ws.docs.json',
    ]);
    expect(byType('INTERACTION_CREATE')).toEqual(['interaction_create.d.docs.json', 'interaction_create.ws.docs.json']);
    for (const type of ['AT_MESSAGE_CREATE', 'DIRECT_MESSAGE_CREATE', 'FRIEND_DEL', 'GROUP_DEL_ROBOT', 'GROUP_MSG_RECEIVE', 'GROUP_MSG_REJECT', 'C2C_MSG_RECEIVE', 'C2C_MSG_REJECT']) {
      expect(byType(type), type).toHaveLength(1);
    }
    expect(byType('FRIEND_ADD')).toHaveLength(2);
    expect(byType('GROUP_ADD_ROBOT')).toHaveLength(2);
  });

  it.each(userEventSamples.map((s) => [s.file, s] as const))('%s', (_file, sample) => {
    expect(isQQEventType(sample.type), `${sample.type} is a known event type`).toBe(true);
    const spec = specs[sample.type as QQEventType] as AnySpec | undefined;
    expect(spec, `a shape spec for ${sample.type} (add one when a sample for a new type arrives)`).toBeDefined();
    expect(shapeErrors(sample.d, spec!)).toEqual([]);

    if (sample.envelope) {
      const { envelope } = sample;
      expect(typeof envelope.id === 'string' && envelope.id.startsWith(`${sample.type}:`), 'envelope id is "<type>:…"').toBe(true);
      // Webhook captures carry no `s` (reference §4.1); the WS docs samples do.
      if (sample.file.includes('.webhook.')) expect(envelope.s).toBeUndefined();
      else expect(typeof envelope.s).toBe('number');
    }
  });

  it('types timestamps as the samples do: RFC 3339 strings on messages, Unix seconds on lifecycle events', () => {
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    const messageTypes = new Set(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'AT_MESSAGE_CREATE', 'DIRECT_MESSAGE_CREATE']);
    const lifecycleTypes = new Set(['FRIEND_ADD', 'FRIEND_DEL', 'C2C_MSG_REJECT', 'C2C_MSG_RECEIVE', 'GROUP_ADD_ROBOT', 'GROUP_DEL_ROBOT', 'GROUP_MSG_REJECT', 'GROUP_MSG_RECEIVE']);
    let checked = 0;
    for (const sample of userEventSamples) {
      const timestamp = (sample.d as { timestamp?: unknown }).timestamp;
      if (messageTypes.has(sample.type)) {
        expect(timestamp, sample.file).toMatch(rfc3339);
        expect(Number.isNaN(Date.parse(timestamp as string)), sample.file).toBe(false);
        checked += 1;
      } else if (lifecycleTypes.has(sample.type)) {
        expect(Number.isInteger(timestamp), sample.file).toBe(true);
        expect(timestamp as number, sample.file).toBeGreaterThan(1_600_000_000); // seconds, not ms
        expect(timestamp as number, sample.file).toBeLessThan(10_000_000_000);
        checked += 1;
      }
    }
    expect(checked).toBe(18);
  });

  it('the shape check is not vacuous', () => {
    const c2c = userEventSamples.find((s) => s.file === 'c2c_message_create.webhook.captured.json')!.d as Record<string, any>;
    const friend = userEventSamples.find((s) => s.file === 'friend_add.webhook.captured.json')!.d as Record<string, any>;
    const noOpenid = { ...c2c, author: { id: c2c.author.id } };
    expect(shapeErrors(noOpenid, c2cMessageSpec)).toEqual(['d.author.user_openid: required but missing']);
    expect(shapeErrors({ ...c2c, attachments: [{ ...c2c.attachments[0], size: '53851' }] }, c2cMessageSpec)).toEqual([
      'd.attachments[0].size: expected a number, got "53851"',
    ]);
    expect(shapeErrors({ ...friend, timestamp: String(friend.timestamp) }, friendSpec)).toEqual(['d.timestamp: expected a number, got "1741879599"']);
    expect(shapeErrors({ ...friend, surprise: 1 }, friendSpec)).toEqual(['d.surprise: present in the sample but not declared in the interface']);
    expect(shapeErrors('', friendSpec)).toEqual(['d: expected an object, got ""']);
  });
});

describe('qqEventTypes', () => {
  const fromIntents = Object.values(intentTable).flatMap((info) => [...info.events]);

  it('is exactly the events of intentTable plus GROUP_MESSAGE_CREATE, so the two tables cannot drift', () => {
    expect([...qqEventTypes].sort()).toEqual([...new Set([...fromIntents, 'GROUP_MESSAGE_CREATE'])].sort());
  });

  it('has no duplicates, in intentTable or in itself', () => {
    expect(new Set(fromIntents).size).toBe(fromIntents.length);
    expect(new Set(qqEventTypes).size).toBe(qqEventTypes.length);
    expect(qqEventTypes).toHaveLength(56);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(qqEventTypes)).toBe(true);
  });
});

describe('isQQEventType / isKnownQQEvent', () => {
  it('accepts every known type', () => {
    for (const type of qqEventTypes) expect(isQQEventType(type), type).toBe(true);
  });

  it('rejects connection events, unknown names and prototype keys', () => {
    for (const type of ['READY', 'RESUMED', 'GROUP_JOIN_REQUEST', 'c2c_message_create', '', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isQQEventType(type), type).toBe(false);
    }
  });

  it('splits known events from unknown ones', () => {
    const base = { id: null, seq: null, shard: 0, data: {}, receivedAt: 0 };
    expect(isKnownQQEvent({ ...base, type: 'FRIEND_ADD' })).toBe(true);
    expect(isKnownQQEvent({ ...base, type: 'SOMETHING_NEW' })).toBe(false);
    expect(isKnownQQEvent({ ...base, type: 'READY' })).toBe(false);
  });
});
