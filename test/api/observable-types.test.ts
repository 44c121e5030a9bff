/**
 * The element types of bot streams through RxJS, checked by `tsc --noEmit -p .` (part of `npm test`);
 * `expectTypeOf` is a no-op at run time. The same compositions are checked from a consumer project
 * against the packed tarball on TypeScript 5.9 and 7 (test/package/consumer.test.ts).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { combineLatest, concat, distinctUntilChanged, filter, firstValueFrom, map, merge, scan, skip, take, tap, type Observable, type Subscription } from 'rxjs';
import type { Bot } from '../../src/bot.js';
import type { AnyBotEvent, BotEvent } from '../../src/events/types.js';
import type { BotState } from '../../src/state.js';
import type { QQBotError } from '../../src/errors.js';
import { ofType } from '../../src/events/of-type.js';

type C2C = BotEvent<'C2C_MESSAGE_CREATE'>;
type GroupAt = BotEvent<'GROUP_AT_MESSAGE_CREATE'>;

// Type-only probes: never called.
function streams(bot: Bot): void {
  expectTypeOf(bot.events$).toEqualTypeOf<Observable<AnyBotEvent>>();
  expectTypeOf(bot.on('C2C_MESSAGE_CREATE')).toEqualTypeOf<Observable<C2C>>();
  expectTypeOf(bot.state$).toEqualTypeOf<Observable<BotState>>();
  expectTypeOf(bot.errors$).toEqualTypeOf<Observable<QQBotError>>();
}

function compositions(bot: Bot): void {
  expectTypeOf(
    merge(bot.on('C2C_MESSAGE_CREATE').pipe(map((e) => e.data.content)), bot.on('GROUP_AT_MESSAGE_CREATE').pipe(map((e) => e.data.group_openid))),
  ).toEqualTypeOf<Observable<string>>();
  expectTypeOf(concat(bot.on('FRIEND_ADD'), bot.on('GROUP_ADD_ROBOT'))).toEqualTypeOf<Observable<BotEvent<'FRIEND_ADD'> | BotEvent<'GROUP_ADD_ROBOT'>>>();
  expectTypeOf(firstValueFrom(bot.on('C2C_MESSAGE_CREATE'))).toEqualTypeOf<Promise<C2C>>();
  expectTypeOf(combineLatest([bot.state$, bot.on('GROUP_AT_MESSAGE_CREATE')])).toEqualTypeOf<Observable<[BotState, GroupAt]>>();
  const nine = bot.on('C2C_MESSAGE_CREATE').pipe(
    filter((e) => e.data.content !== ''),
    map((e) => e.data),
    map((d) => d.content),
    distinctUntilChanged(),
    skip(0),
    take(5),
    tap(() => undefined),
    map((text) => text.length),
    scan((sum, n) => sum + n, 0),
  );
  expectTypeOf(nine).toEqualTypeOf<Observable<number>>();
  expectTypeOf(nine.pipe(map((n) => n > 0))).toEqualTypeOf<Observable<boolean>>();
}

function narrowing(bot: Bot): void {
  bot.on('C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE').subscribe((event) => {
    expectTypeOf(event).toEqualTypeOf<C2C | GroupAt>();
    if (event.type === 'C2C_MESSAGE_CREATE') expectTypeOf(event.data.author.user_openid).toBeString();
    else expectTypeOf(event.data.group_openid).toBeString();
    // @ts-expect-error not narrowed yet: a group author has no user_openid
    void event.data.author.user_openid;
  });
  bot.events$.pipe(ofType('FRIEND_ADD', 'GROUP_ADD_ROBOT')).subscribe((event) => {
    if (event.type === 'FRIEND_ADD') expectTypeOf(event.data.openid).toBeString();
  });
}

function handlers(bot: Bot): void {
  expectTypeOf(bot.handle('C2C_MESSAGE_CREATE', async (event) => void (await event.reply('hi')))).toEqualTypeOf<Subscription>();
  bot.handle(['FRIEND_ADD', 'GROUP_ADD_ROBOT'], (event) => {
    expectTypeOf(event).toEqualTypeOf<BotEvent<'FRIEND_ADD'> | BotEvent<'GROUP_ADD_ROBOT'>>();
  });
  // @ts-expect-error FRIEND_DEL accepts no passive reply
  bot.handle('FRIEND_DEL', (event) => event.reply('bye'));
  // @ts-expect-error not an event type
  bot.handle('NOT_AN_EVENT', () => undefined);
}

describe('stream types', () => {
  it('are checked by tsc (npm run typecheck)', () => {
    expectTypeOf(streams).toBeFunction();
    expectTypeOf(compositions).toBeFunction();
    expectTypeOf(narrowing).toBeFunction();
    expectTypeOf(handlers).toBeFunction();
  });
});
